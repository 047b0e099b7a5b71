-- zoom.lua - stdlib transition: the outgoing scene rushes towards the viewer and fades while
-- the incoming one settles from slightly enlarged, with a touch of blur at the middle.
-- Parameters: none (the transition's length and easing come from the spec).
local function place(canvas, img, W, H, s, opacity)
  local w, h = W * s, H * s
  canvas:image(img, (W - w) / 2, (H - h) / 2, w, h, opacity)
end

return {
  transition = function(ctx, a, b, canvas)
    local p, W, H = ctx.progress, ctx.width, ctx.height
    place(canvas, a, W, H, 1 + 0.5 * p, 1)
    place(canvas, b, W, H, 1.25 - 0.25 * p, vidc.ease("ease_in_out", p))
    local blur = 6 * math.sin(math.pi * p) * H / 1080
    if blur >= 2 then canvas:blur(blur) end
  end,
}
