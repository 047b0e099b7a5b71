-- templates/thumb_scrim.lua - the thumbnail's scrim (templates/thumb.vid): black rising from
-- transparent at `top` to `strength` at `bottom` (fractions of the canvas height), eased with a
-- smoothstep so it has no visible edge; `fade` (a fraction of the scrim) lightens its last part
-- again, so a vertical thumbnail keeps the picture below the title. Drawn as 160 bands of a few
-- pixels each with anti-aliased edges: no steps or stripes show.
local STEPS = 160

return {
  draw = function(ctx, canvas)
    local p = ctx.params
    local w, h = canvas.width, canvas.height
    local top, bottom = (p.top or 0.3) * h, (p.bottom or 1) * h
    local strength, fade = p.strength or 0.75, p.fade or 0
    for i = 0, STEPS - 1 do
      local y0 = top + (bottom - top) * i / STEPS
      local y1 = top + (bottom - top) * (i + 1) / STEPS
      local x = (i + 0.5) / STEPS
      local a = strength * x * x * (3 - 2 * x)
      if fade > 0 and i >= STEPS * (1 - fade) then
        a = a * (STEPS - i) / (STEPS * fade)
      end
      -- fractional edges: neighbouring bands share a row's coverage instead of both drawing it
      canvas:rect(0, y0, w, y1 - y0, {0, 0, 0, math.floor(a * 255 + 0.5)})
    end
  end,
}
