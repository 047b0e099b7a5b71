-- vignette.lua - stdlib effect: darkens the picture towards its corners.
-- Parameters: strength (0-1, default 0.6), inner and outer (fractions of the half-diagonal
-- where the darkening starts and is full, defaults 0.45 and 1.1), color (default black).
return {
  draw = function(ctx, canvas)
    local P = ctx.params
    local W, H = ctx.width, ctx.height
    local d = math.sqrt(W * W + H * H) / 2
    local strength = math.max(0, math.min(1, P.strength or 0.6))
    local c = P.color or "#000000"
    local edge = c:sub(1, 7) .. string.format("%02x", math.floor(strength * 255 + 0.5))
    canvas:radial_gradient(W / 2, H / 2, (P.inner or 0.45) * d, (P.outer or 1.1) * d,
                           "#00000000", edge)
  end,
}
