-- counter.lua - stdlib draw layer: a number that rolls up to its value (stats in a listicle or
-- an explainer). Parameters: to (the value), from (0), decimals (0), prefix, suffix, label (a
-- line under the number), text_size (px, default 12 % of the height), color (white), accent
-- (label colour, #ffd166), roll (seconds the count takes, default 70 % of the layer), badge (a
-- colour: a rounded box behind the number).
local function group(s)
  local int, frac = s:match("^(%d+)(.*)$")
  if not int then return s end
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse()
  if int:sub(1, 1) == "," then int = int:sub(2) end
  return int .. frac
end

return {
  draw = function(ctx, canvas)
    local P = ctx.params
    local W, H = ctx.width, ctx.height
    local from, to = P.from or 0, P.to or 100
    local roll = P.roll or ctx.duration * 0.7
    local x = roll > 0 and math.min(1, ctx.local_t / roll) or 1
    local v = from + (to - from) * vidc.ease("ease_out", x)
    local dec = math.floor(P.decimals or 0)
    local s = string.format("%." .. dec .. "f", math.abs(v))
    s = (v < 0 and "-" or "") .. (P.prefix or "") .. group(s) .. (P.suffix or "")
    local size = P.text_size or math.floor(H * 0.12)
    -- a small pop when the count lands
    local pop = 1 + 0.08 * math.max(0, 1 - math.abs(ctx.local_t - roll) / 0.25)
    local label = P.label
    local cy = label and (H / 2 - size * 0.3) or H / 2
    if P.badge then
      local tw, th = canvas:measure(s, {size = size * pop, weight = "black"})
      local pad = size * 0.22
      canvas:rounded_rect(W / 2 - tw / 2 - pad, cy - th / 2 - pad * 0.6, tw + 2 * pad,
                          th + 1.2 * pad, size * 0.18, P.badge)
    end
    canvas:text(s, W / 2, cy, {size = size * pop, weight = "black", align = "center",
                               valign = "middle", color = P.color or "#ffffff"})
    if label then
      canvas:text(label, W / 2, cy + size * 0.65, {size = size * 0.32, align = "center",
                  color = P.accent or "#ffd166", weight = "bold", width = W * 0.9})
    end
  end,
}
