# The command language (lexer, parser, executor, expectations, raw peer):
# front-end code shared by `tcpviz run`, the TUI prompt and the daemon.
noinst_LIBRARIES += src/script/libtvscript.a
src_script_libtvscript_a_SOURCES = \
	src/script/script.h src/script/internal.h \
	src/script/lex.c src/script/value.c src/script/parse.c src/script/pkt.c \
	src/script/prog.c src/script/exec.c src/script/peer.c src/script/expect.c \
	src/script/dump.c
