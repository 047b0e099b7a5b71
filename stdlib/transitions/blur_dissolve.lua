-- blur_dissolve.lua - stdlib transition: a cross-fade that goes soft in the middle (blur
-- radius 2.5 % of the frame height at its peak), so the cut between pictures is hidden.
return {
  transition = function(ctx, a, b, canvas)
    local W, H, p = ctx.width, ctx.height, ctx.progress
    canvas:image(a, 0, 0, W, H)
    canvas:image(b, 0, 0, W, H, p)
    local r = 0.025 * H * math.sin(math.pi * p)
    if r >= 1 then canvas:blur(r) end
  end,
}
