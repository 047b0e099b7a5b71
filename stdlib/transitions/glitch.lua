-- glitch.lua - stdlib transition: a digital glitch. Bands of rows tear sideways, slices of the
-- other scene flash through, the colour channels split; strongest at the middle. Every frame is
-- seeded (ctx.seed), so a render is the same every time.
return {
  transition = function(ctx, a, b, canvas)
    local W, H, p = ctx.width, ctx.height, ctx.progress
    local k = math.sin(math.pi * p) -- intensity
    local base, other = a, b
    if p >= 0.5 then base, other = b, a end
    canvas:image(base, 0, 0, W, H)
    local bands = 3 + math.floor(6 * k)
    for i = 1, bands do
      local y = math.random() * H
      local h = (0.01 + 0.06 * math.random()) * H
      if math.random() < 0.35 * k then
        canvas:clip_rect(0, y, W, h)
        canvas:image(other, 0, 0, W, H)
        canvas:unclip()
      end
      canvas:shift_rows(y, h, (math.random() - 0.5) * 0.25 * W * k)
    end
    canvas:rgb_split(0.012 * W * k)
  end,
}
