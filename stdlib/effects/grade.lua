-- grade.lua - stdlib effect: a colour grade. Parameters: look (warm, cool, mono, punch, fade;
-- default none) or any of brightness (-1..1), contrast (1 = none), saturation (1 = none),
-- tint (a colour) and tint_amount (0-1), which adjust the look.
local looks = {
  warm  = {saturation = 1.1, contrast = 1.05, tint = "#ffb070", tint_amount = 0.18},
  cool  = {saturation = 0.95, contrast = 1.05, tint = "#7fb2ff", tint_amount = 0.18},
  mono  = {saturation = 0, contrast = 1.1},
  punch = {saturation = 1.35, contrast = 1.2, brightness = -0.02},
  fade  = {saturation = 0.8, contrast = 0.8, brightness = 0.05},
}

return {
  draw = function(ctx, canvas)
    local P = ctx.params
    local g = {}
    for k, v in pairs(looks[P.look or ""] or {}) do g[k] = v end
    for _, k in ipairs({"brightness", "contrast", "saturation", "tint", "tint_amount"}) do
      if P[k] ~= nil then g[k] = P[k] end
    end
    canvas:grade(g)
  end,
}
