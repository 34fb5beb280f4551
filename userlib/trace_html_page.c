// SPDX-License-Identifier: GPL-2.0-only
/*
 * The step-through page's style and script (trace_html.css, trace_html.js),
 * kept in files of their own and built in as they are, each with a nul
 * after it: the assembler's .incbin.  TRACE_HTML_DIR is the directory that
 * holds them (userlib/build.mk; the objects depend on both files).
 */
#ifndef TRACE_HTML_DIR
#error "TRACE_HTML_DIR must name the directory of trace_html.css and trace_html.js"
#endif

#define EMBED(sym, file)						\
	__asm__(".pushsection .rodata\n"				\
		".globl " #sym "\n"					\
		".hidden " #sym "\n"					\
		".type " #sym ", @object\n"				\
		#sym ":\n"						\
		".incbin \"" TRACE_HTML_DIR "/" file "\"\n"		\
		".byte 0\n"						\
		".size " #sym ", . - " #sym "\n"			\
		".popsection\n")

EMBED(trace_html_css, "trace_html.css");
EMBED(trace_html_js, "trace_html.js");
