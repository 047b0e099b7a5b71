-- lower_third.lua - stdlib draw layer or effect: an animated lower third. A coloured bar wipes
-- in from the left, the title and subtitle rise into it, and it all slides out at the end.
-- Parameters: title, subtitle, color (#e63946), text_color (white), text_size (title px, default
-- 4.5 % of the height), y (fraction of the height of the bar's top, 0.72), enter and exit (s, 0.6/0.4).
local function clamp(x) return math.max(0, math.min(1, x)) end

return {
  draw = function(ctx, canvas)
    local P = ctx.params
    local W, H = ctx.width, ctx.height
    local size = P.text_size or math.floor(H * 0.045)
    local sub = P.subtitle
    local x0 = math.floor(W * 0.06)
    local y0 = H * (P.y or 0.72)
    local tin, tout = P.enter or 0.6, P.exit or 0.4
    local a = vidc.ease("ease_out", clamp(ctx.local_t / tin))
    local z = vidc.ease("ease_in", clamp((ctx.local_t - (ctx.duration - tout)) / tout))
    local title = P.title or "Title"
    local tw = canvas:measure(title, {size = size, weight = "bold"})
    local sw = 0
    if sub then sw = canvas:measure(sub, {size = size * 0.6}) end
    local bw = math.max(tw, sw) + size * 1.2
    local bh = size * (sub and 2.3 or 1.5)
    local shown = bw * a * (1 - z)
    if shown <= 1 then return end
    -- accent block, then the bar, both cut at the animated width
    canvas:clip_rect(x0, y0, shown, bh)
    canvas:rect(x0, y0, size * 0.18, bh, P.accent or "#ffffff")
    canvas:rect(x0 + size * 0.18, y0, bw - size * 0.18, bh, P.color or "#e63946")
    local rise = (1 - a) * size * 0.5
    canvas:text(title, x0 + size * 0.6, y0 + size * 0.2 + rise,
                {size = size, weight = "bold", color = P.text_color or "#ffffff"})
    if sub then
      canvas:text(sub, x0 + size * 0.6, y0 + size * 1.35 + rise,
                  {size = size * 0.6, color = P.text_color or "#ffffff", opacity = 0.9})
    end
    canvas:unclip()
  end,
}
