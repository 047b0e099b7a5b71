-- progress_bar.lua - stdlib effect or draw layer: a bar that fills as the layer plays (over
-- the whole video when drawn by an overlay). Parameters: thickness (px, default 1 % of the
-- height, at least 6 px), color (#ffd166), track (#ffffff40), edge (bottom or top), margin (px).
return {
  draw = function(ctx, canvas)
    local P = ctx.params
    local W, H = ctx.width, ctx.height
    local th = P.thickness or math.max(6, math.floor(H * 0.01))
    local m = P.margin or 0
    local y = (P.edge == "top") and m or (H - th - m)
    canvas:rect(m, y, W - 2 * m, th, P.track or "#ffffff40")
    local w = (W - 2 * m) * ctx.progress
    if w > 0 then canvas:rect(m, y, w, th, P.color or "#ffd166") end
  end,
}
