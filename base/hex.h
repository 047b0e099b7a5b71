/*
 * hex.h - the value of one hexadecimal digit, for the lexer's #rrggbb colours and \u{...}
 * escapes and for colours given to Lua canvases as strings (one reading of a digit for both).
 */
#ifndef VIDC_BASE_HEX_H
#define VIDC_BASE_HEX_H

/* 0..15 for 0-9, a-f and A-F; -1 for any other character. */
static inline int hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

#endif
