-- circle.lua - stdlib transition: the incoming scene is revealed through a growing circle.
-- The circle starts at the centre; it is fully open (covers the corners) at progress 1.
return {
  transition = function(ctx, a, b, canvas)
    local W, H = ctx.width, ctx.height
    local cx, cy = W / 2, H / 2
    local r = math.sqrt(cx * cx + cy * cy) * ctx.progress
    canvas:image(a, 0, 0, W, H)
    if r > 0 then
      canvas:clip_circle(cx, cy, r)
      canvas:image(b, 0, 0, W, H)
      canvas:unclip()
    end
  end,
}
