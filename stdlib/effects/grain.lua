-- grain.lua - stdlib effect: film grain, new every frame but the same on every render (seeded
-- by the frame). Parameters: amount (0-1, default 0.08), color ("on" for coloured grain).
return {
  draw = function(ctx, canvas)
    local P = ctx.params
    canvas:noise(P.amount or 0.08, ctx.seed, P.color ~= "on")
  end,
}
