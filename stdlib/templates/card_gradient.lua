-- card_gradient.lua - the brand gradient behind the templates' text and code cards: `from` at the
-- top blending into `to` at the bottom, with a soft light from the upper left so a card never
-- reads as a flat block. Used as `draw card_gradient { from #1d3557; to #457b9d }`.
return {
  draw = function(ctx, canvas)
    local p = ctx.params
    canvas:linear_gradient(0, 0, ctx.width, ctx.height, p.from or "#1d3557", p.to or "#457b9d", true)
    canvas:blend("screen")
    canvas:radial_gradient(ctx.width * 0.2, ctx.height * 0.15, 0, ctx.width * 0.9, "#ffffff22", "#ffffff00")
  end,
}
