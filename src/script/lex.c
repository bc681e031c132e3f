/*
 * lex.c - splits one line of the command language into tokens.
 *
 * The parser calls lex_line() once per line and then walks the token
 * array with any lookahead it likes.  The language is line based: `#`
 * and `//` start a comment that runs to the end of the line, and
 * `/ * ... * /` may enclose a comment inside one line (packetdrill
 * scripts use all three).  Words may contain dots and dashes between
 * letters and digits (snd.una, SYN-SENT, tcp.rst_sent, srv.1); numbers
 * keep their unit suffix (200ms, 64k, 5%, 3rd) for the parser to read in
 * context; dotted quads and MAC addresses are tokens of their own.
 * Strings are double-quoted with \n \t \r \" \\ \xHH escapes; their
 * escapes are checked here and decoded when the parser takes them.
 *
 * Nothing here trusts the input: any byte that is not part of a token is
 * an error at its column, and no token can run past the line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "script/internal.h"

unsigned lex_col(const char *text, size_t off)
{
	unsigned col = 1;

	for (size_t i = 0; i < off; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_val(int c)
{
	return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int lex_push(struct lexer *lx, enum tok_kind kind, size_t off, size_t len)
{
	if (lx->n == lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 16;
		struct tok *t = realloc(lx->toks, cap * sizeof(*t));
		if (t == NULL)
			return -1;
		lx->toks = t;
		lx->cap = cap;
	}
	struct tok *t = &lx->toks[lx->n++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->p = lx->line + off;
	t->len = len;
	t->col = lex_col(lx->line, off);
	return 0;
}

static int lex_fail(struct lexer *lx, size_t off, struct script_error *err, const char *msg,
		    const char *what)
{
	err->col = lex_col(lx->line, off);
	snprintf(err->msg, sizeof(err->msg), msg, what);
	return -1;
}

/* The character at off as the user would want it quoted. */
static void quote_char(const char *p, size_t avail, char *buf, size_t size)
{
	unsigned char c = (unsigned char)p[0];
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
	bool ok = c >= 0xC2 && c <= 0xF4 && n <= avail;

	for (size_t i = 1; ok && i < n; i++)
		ok = ((unsigned char)p[i] & 0xC0) == 0x80;
	if (c >= 0x20 && c < 0x7F)
		snprintf(buf, size, "%c", c);
	else if (ok)
		snprintf(buf, size, "%.*s", (int)n, p);
	else
		snprintf(buf, size, "\\x%02X", c);
}

/* 6 pairs of hex digits joined by ':' and nothing word-like after. */
static bool lex_is_mac(const char *p, size_t avail, uint8_t mac[6])
{
	if (avail < 17)
		return false;
	for (int i = 0; i < 6; i++) {
		const char *q = p + 3 * i;
		if (!is_hex(q[0]) || !is_hex(q[1]) || (i < 5 && q[2] != ':'))
			return false;
		mac[i] = (uint8_t)(hex_val(q[0]) << 4 | hex_val(q[1]));
	}
	return avail == 17 || !(is_alnum(p[17]) || p[17] == ':' || p[17] == '.');
}

/* d+.d+.d+.d+ with each part below 256, nothing word-like after. */
static size_t lex_addr(const char *p, size_t avail, uint32_t *addr)
{
	size_t i = 0;
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		if (part > 0) {
			if (i >= avail || p[i] != '.')
				return 0;
			i++;
		}
		while (i < avail && is_digit(p[i]) && digits < 4) {
			v = v * 10 + (unsigned)(p[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return 0;
		a = a << 8 | v;
	}
	if (i < avail && (is_alnum(p[i]) || (p[i] == '.' && i + 1 < avail && is_digit(p[i + 1]))))
		return 0;
	*addr = a;
	return i;
}

static size_t lex_number(const char *p, size_t avail)
{
	size_t i = 0;

	if (avail >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
		i = 2;
		while (i < avail && is_alnum(p[i]))
			i++;
		return i;
	}
	while (i < avail && is_digit(p[i]))
		i++;
	if (i + 1 < avail && p[i] == '.' && is_digit(p[i + 1])) {
		i++;
		while (i < avail && is_digit(p[i]))
			i++;
	}
	while (i < avail && (is_alnum(p[i]) || p[i] == '%'))
		i++;
	return i;
}

static size_t lex_word(const char *p, size_t avail)
{
	size_t i = 1;

	for (;;) {
		if (i < avail && is_alnum(p[i]))
			i++;
		else if (i + 1 < avail && (p[i] == '.' || p[i] == '-') && is_alnum(p[i + 1]))
			i += 2;
		else
			return i;
	}
}

/* Length of a string token starting at p[0] == '"', or 0 on error with
 * *bad the offset of the problem and *msg what it is. */
static size_t lex_str(const char *p, size_t avail, size_t *bad, const char **msg)
{
	size_t i = 1;

	while (i < avail && p[i] != '"') {
		if (p[i] == '\0') {
			*bad = i;
			*msg = _("NUL byte in a string (write \\x00)");
			return 0;
		}
		if (p[i] != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= avail)
			break;
		char e = p[i + 1];
		if (e == 'x') {
			if (i + 3 >= avail || !is_hex(p[i + 2]) || !is_hex(p[i + 3])) {
				*bad = i;
				*msg = _("'\\x' needs two hex digits");
				return 0;
			}
			i += 4;
		} else if (strchr("nrt\"\\", e) != NULL && e != '\0') {
			i += 2;
		} else {
			*bad = i;
			*msg = _("unknown escape in a string (use \\n \\t \\r \\\" \\\\ or \\xHH)");
			return 0;
		}
	}
	if (i >= avail) {
		*bad = 0;
		*msg = _("unterminated string");
		return 0;
	}
	return i + 1;
}

static const char *const puncts[] = {
	"<->", "...", "->", "==", "!=", "<=", ">=", "..",
	"<", ">", ":", "(", ")", ",", "*", "~", "+", ".", "/", "=", "-", "[", "]",
};

static size_t lex_punct(const char *p, size_t avail)
{
	for (size_t k = 0; k < TV_ARRAY_LEN(puncts); k++) {
		size_t n = strlen(puncts[k]);
		if (n <= avail && memcmp(p, puncts[k], n) == 0)
			return n;
	}
	return 0;
}

/* Skip blanks and comments from *off; returns false at the end of line,
 * -1 through *bad for an unterminated comment. */
static bool lex_skip(const char *s, size_t len, size_t *off, bool *bad)
{
	size_t i = *off;

	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= len || s[i] == '#' || (s[i] == '/' && i + 1 < len && s[i + 1] == '/'))
			return *off = len, false;
		if (!(s[i] == '/' && i + 1 < len && s[i + 1] == '*'))
			break;
		const char *end = NULL;
		for (size_t j = i + 2; j + 1 < len; j++)
			if (s[j] == '*' && s[j + 1] == '/') {
				end = s + j;
				break;
			}
		if (end == NULL) {
			*off = i;
			*bad = true;
			return false;
		}
		i = (size_t)(end - s) + 2;
	}
	*off = i;
	return true;
}

static int lex_one(struct lexer *lx, size_t off, size_t *used, struct script_error *err)
{
	const char *p = lx->line + off;
	size_t avail = lx->len - off, n;
	uint32_t addr;
	uint8_t mac[6];
	char q[8];

	if (lex_is_mac(p, avail, mac)) {
		if (lex_push(lx, TK_MAC, off, 17) != 0)
			goto nomem;
		memcpy(lx->toks[lx->n - 1].mac, mac, 6);
		*used = 17;
		return 0;
	}
	if (is_digit(p[0]) && (n = lex_addr(p, avail, &addr)) > 0) {
		if (lex_push(lx, TK_ADDR, off, n) != 0)
			goto nomem;
		lx->toks[lx->n - 1].addr = addr;
		*used = n;
		return 0;
	}
	if (is_digit(p[0]) || (p[0] == '.' && avail > 1 && is_digit(p[1]))) {
		n = lex_number(p, avail);
		if (p[0] == '.')
			n = 1 + lex_number(p + 1, avail - 1);
		*used = n;
		return lex_push(lx, TK_NUM, off, n) == 0 ? 0 : -2;
	}
	if (is_alpha(p[0])) {
		*used = n = lex_word(p, avail);
		return lex_push(lx, TK_WORD, off, n) == 0 ? 0 : -2;
	}
	if (p[0] == '"') {
		size_t bad = 0;
		const char *msg = NULL;
		n = lex_str(p, avail, &bad, &msg);
		if (n == 0)
			return lex_fail(lx, off + bad, err, "%s", msg);
		*used = n;
		return lex_push(lx, TK_STR, off, n) == 0 ? 0 : -2;
	}
	if ((n = lex_punct(p, avail)) > 0) {
		*used = n;
		return lex_push(lx, TK_PUNCT, off, n) == 0 ? 0 : -2;
	}
	quote_char(p, avail, q, sizeof(q));
	return lex_fail(lx, off, err, _("unexpected character '%s'"), q);
nomem:
	return -2;
}

int lex_line(struct lexer *lx, const char *text, size_t len, struct script_error *err)
{
	size_t off = 0, used;
	bool bad = false;

	memset(lx, 0, sizeof(*lx));
	lx->line = text;
	lx->len = len;
	if (len > SCRIPT_LINE_MAX) {
		err->col = 1;
		snprintf(err->msg, sizeof(err->msg), _("line too long (more than %u bytes)"),
			 (unsigned)SCRIPT_LINE_MAX);
		return -1;
	}
	while (lex_skip(text, len, &off, &bad)) {
		int r = lex_one(lx, off, &used, err);
		if (r == -1)
			return -1;
		if (r == -2)
			goto nomem;
		off += used;
	}
	if (bad)
		return lex_fail(lx, off, err, "%s", _("unterminated comment"));
	if (lex_push(lx, TK_END, len, 0) == 0)
		return 0;
nomem:
	err->col = 1;
	snprintf(err->msg, sizeof(err->msg), "%s", _("out of memory"));
	return -1;
}

void lex_free(struct lexer *lx)
{
	free(lx->toks);
	lx->toks = NULL;
	lx->n = lx->cap = 0;
}

char *lex_string(const struct tok *t, size_t *len)
{
	char *out = malloc(t->len);
	size_t n = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 1; i + 1 < t->len; i++) {
		char c = t->p[i];
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		c = t->p[++i];
		if (c == 'x') {
			out[n++] = (char)(hex_val(t->p[i + 1]) << 4 | hex_val(t->p[i + 2]));
			i += 2;
		} else {
			out[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
		}
	}
	out[n] = '\0';
	*len = n;
	return out;
}

void tok_quote(const struct tok *t, char *buf, size_t size)
{
	size_t o = 0, chars = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < t->len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)t->p[i];
		if ((c & 0xC0) != 0x80 && ++chars > 40) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7F)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
		else
			buf[o++] = (char)c;
	}
	buf[o < size ? o : size - 1] = '\0';
}

bool tok_is(const struct tok *t, const char *s)
{
	size_t n = strlen(s);

	if (t->kind == TK_END || t->kind == TK_STR || t->len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = t->p[i], b = s[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a | 0x20);
		if (b >= 'A' && b <= 'Z')
			b = (char)(b | 0x20);
		if (a != b)
			return false;
	}
	return true;
}

bool tok_punct(const struct tok *t, const char *s)
{
	return t->kind == TK_PUNCT && t->len == strlen(s) && memcmp(t->p, s, t->len) == 0;
}
