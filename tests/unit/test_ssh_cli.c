/*
 * The SSH transport's pure helpers: prompt and pager detection, output
 * cleanup (echo, prompt, CR, erased pager prompts, escape sequences) and
 * CLI error recognition.  Table-driven; each case prints its index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "asa_cli.h"
#include "srx.h"
#include "ssh.h"

#define LEN(s)	(sizeof(s) - 1)

struct prompt_case {
	const char	*raw;
	size_t		 len;
	const char	*want;		/* NULL: not a prompt */
};

#define PC(s, w)	{ s, LEN(s), w }

static void
test_find_prompt(void **state)
{
	static const struct prompt_case cases[] = {
		PC("asa-1> ", "asa-1>"),
		PC("asa-1#", "asa-1#"),
		PC("Type help or '?'.\r\nasa-1> ", "asa-1>"),
		PC("\r\nasa-1/cust-a# ", "asa-1/cust-a#"),
		PC("\r\nasa-1/pri/act# ", "asa-1/pri/act#"),
		PC("\r\nfw(config)# ", "fw(config)#"),
		PC("x\r\n\r              \rasa-1# ", "asa-1#"),
		PC("line\r\n", NULL),
		PC("", NULL),
		PC("#", NULL),
		PC("#######", NULL),
		PC("\r\n########## WARNING ##########", NULL),
		PC("<--- More --->", NULL),
		PC("some text>", NULL),
		PC("Password: ", NULL),
		PC("asa\xff#", NULL),
		PC("asa\x01#", "asa#"),	/* controls are not shown */
		/* 129 characters: longer than VX_SSH_PROMPT_MAX. */
		PC("a\r\n"
		    "1234567890123456789012345678901234567890123456789012345"
		    "1234567890123456789012345678901234567890123456789012345"
		    "123456789012345678#", NULL),
		PC("ESC\x1b[Kasa-2# ", "ESCasa-2#"),
	};
	char prompt[VX_SSH_PROMPT_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got;

		printf("prompt case %zu\n", i);
		memset(prompt, 0, sizeof(prompt));
		got = vx_ssh_find_prompt(&asa_cli_dialect, cases[i].raw, cases[i].len, prompt,
		    sizeof(prompt));
		if (cases[i].want == NULL)
			assert_false(got);
		else {
			assert_true(got);
			assert_string_equal(prompt, cases[i].want);
		}
	}
}

static void
test_find_prompt_long_tail(void **state)
{
	static char	big[10000];
	char		prompt[VX_SSH_PROMPT_MAX + 1];

	(void)state;
	/* No line start within reach: never a prompt, and no long scan. */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '#';
	assert_false(vx_ssh_find_prompt(&asa_cli_dialect, big, sizeof(big), prompt,
	    sizeof(prompt)));
	/* Too small a buffer for the prompt. */
	assert_false(vx_ssh_find_prompt(&asa_cli_dialect, "asa-1# ", 7, prompt, 4));
}

static void
test_pager_and_password(void **state)
{
	(void)state;
	assert_true(vx_ssh_pager_pending(&asa_cli_dialect, "a\r\nb\r\n<--- More --->",
	    LEN("a\r\nb\r\n<--- More --->")));
	assert_true(vx_ssh_pager_pending(&asa_cli_dialect, "a\r\n --More-- ",
	    LEN("a\r\n --More-- ")));
	assert_false(vx_ssh_pager_pending(&asa_cli_dialect, "<--- More --->\r\n",
	    LEN("<--- More --->\r\n")));
	assert_false(vx_ssh_pager_pending(&asa_cli_dialect, "more", 4));
	assert_false(vx_ssh_pager_pending(&asa_cli_dialect, "", 0));
	assert_true(vx_ssh_tail_endswith("enable\r\nPassword: ",
	    LEN("enable\r\nPassword: "), "Password:"));
	assert_true(vx_ssh_tail_endswith("password:", 9, "Password:"));
	assert_false(vx_ssh_tail_endswith("Password: x", 11, "Password:"));
	assert_false(vx_ssh_tail_endswith("ord:", 4, "Password:"));
}

struct clean_case {
	const char	*raw;
	size_t		 len;
	const char	*cmd;
	const char	*prompt;
	const char	*want;
};

#define CC(r, c, p, w)	{ r, LEN(r), c, p, w }

static void
test_clean_output(void **state)
{
	static const struct clean_case cases[] = {
		/* 0: echo, CR LF, prompt. */
		CC("show asp drop\r\nFrame drop:\r\n  x (y)  1\r\nasa-1# ",
		    "show asp drop", "asa-1#", "Frame drop:\n  x (y)  1\n"),
		/* 1: the ASA's pager, erased with CR + spaces + CR. */
		CC("cmd\r\na\r\n<--- More --->\r              \rb \r\nasa# ",
		    "cmd", "asa#", "a\nb \n"),
		/* 2: a pager prompt left on its own line. */
		CC("cmd\r\na\r\n<--- More --->\r\nb\r\nasa#", "cmd", "asa#",
		    "a\nb\n"),
		/* 3: a pager prompt glued to the next text. */
		CC("cmd\r\na\r\n<--- More --->b\r\nasa#", "cmd", "asa#",
		    "a\nb\n"),
		/* 4: IOS style, erased with backspaces. */
		CC("cmd\r\na\r\n --More-- \b\b\b\b\b\b\b\b\b\b          "
		    "\b\b\b\b\b\b\b\b\b\bb\r\nr1#", "cmd", "r1#", "a\nb\n"),
		/* 5: no echo: the first line is output. */
		CC("Frame drop:\r\nasa# ", "show asp drop", "asa#",
		    "Frame drop:\n"),
		/* 6: an echo scrolled by a narrow terminal. */
		CC("$ow crypto ipsec sa\r\nx\r\nasa# ", "show crypto ipsec sa",
		    "asa#", "x\n"),
		/* 7: an echo after a reprinted prompt. */
		CC("asa# show version\r\nv\r\nasa# ", "show version", "asa#",
		    "v\n"),
		/* 8: colours and erase-line sequences. */
		CC("cmd\r\n\x1b[31mred\x1b[0m\r\nabcdef\r\x1b[Kxy\r\nasa# ",
		    "cmd", "asa#", "red\nxy\n"),
		/* 9: partial output: no prompt to strip. */
		CC("cmd\r\nline 1\r\nline 2 cut", "cmd", NULL,
		    "line 1\nline 2 cut"),
		/* 10: a different last line is kept. */
		CC("cmd\r\nx\r\nother# ", "cmd", "asa#", "x\nother# "),
		/* 11: NUL and BEL dropped, tabs and high bytes kept. */
		CC("cmd\r\na\0b\a\tc\xff\r\nasa# ", "cmd", "asa#",
		    "ab\tc\xff\n"),
		/* 12: trailing blanks of real lines are kept. */
		CC("cmd\r\nLast clearing: Never    \r\nasa# ", "cmd", "asa#",
		    "Last clearing: Never    \n"),
		/* 13: nothing printed. */
		CC("show crypto ikev2 sa\r\nasa# ", "show crypto ikev2 sa",
		    "asa#", ""),
		/* 14: a lone CR overwrites, remnants stay (as on screen). */
		CC("cmd\r\n50%\r100%\r\nabcdef\rxy\r\nasa#", "cmd", "asa#",
		    "100%\nxycdef\n"),
		/* 15: LF-only line ends. */
		CC("cmd\nx\n\ny\nasa# ", "cmd", "asa#", "x\n\ny\n"),
		/* 16: an escape sequence cut at the end of input. */
		CC("cmd\r\nx\x1b[3", "cmd", NULL, "x"),
		/* 17: empty input. */
		CC("", "cmd", "asa#", ""),
		/* 18: cmd NULL keeps the first line. */
		CC("show x\r\ny\r\nasa#", NULL, "asa#", "show x\ny\n"),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_strbuf out;

		printf("clean case %zu\n", i);
		vx_strbuf_init(&out, 0);
		vx_ssh_clean_output(&asa_cli_dialect, cases[i].raw, cases[i].len, cases[i].cmd,
		    cases[i].prompt, &out);
		assert_false(out.failed);
		assert_int_equal(out.len, strlen(cases[i].want));
		assert_memory_equal(out.buf, cases[i].want, out.len);
		vx_strbuf_release(&out);
	}
}

static void
test_clean_output_appends(void **state)
{
	struct vx_strbuf out;

	(void)state;
	vx_strbuf_init(&out, 0);
	vx_strbuf_addstr(&out, "A\n");
	vx_ssh_clean_output(&asa_cli_dialect, "c\r\nB\r\np# ", LEN("c\r\nB\r\np# "), "c", "p#",
	    &out);
	assert_string_equal(out.buf, "A\nB\n");
	vx_strbuf_release(&out);
}

struct err_case {
	const char	*text;
	const char	*want;		/* NULL: not an error */
};

static void
test_device_error(void **state)
{
	static const struct err_case cases[] = {
		{ "              ^\nERROR: % Invalid input detected at '^' "
		    "marker.\n", "ERROR: % Invalid input detected at '^' "
		    "marker." },
		{ "\n   ^\n% Invalid input detected at '^' marker.\n",
		    "% Invalid input detected at '^' marker." },
		{ "% Incomplete command.\n", "% Incomplete command." },
		{ "ERROR: Context 'x' does not exist\n",
		    "ERROR: Context 'x' does not exist" },
		{ "Command authorization failed.\n",
		    "Command authorization failed." },
		{ "  ERROR: x\x01y  \n", "ERROR: x?y" },
		{ "Frame drop:\n  ERROR: not first\n", NULL },
		{ "^\n^\n% twice\n", NULL },
		{ "There are no IKEv2 SAs\n", NULL },
		{ "", NULL },
		{ "\n\n", NULL },
	};
	char msg[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got;

		printf("error case %zu\n", i);
		got = vx_ssh_device_error(&asa_cli_dialect, cases[i].text, strlen(cases[i].text),
		    msg, sizeof(msg));
		if (cases[i].want == NULL)
			assert_false(got);
		else {
			assert_true(got);
			assert_string_equal(msg, cases[i].want);
		}
	}
	/* A long message is cut to the buffer. */
	assert_true(vx_ssh_device_error(&asa_cli_dialect, "% 123456789", 11, msg, 5));
	assert_string_equal(msg, "% 12");
}

static void
test_new_and_free(void **state)
{
	struct vx_ssh_params	p = {
		.sess.address = "2001:db8::1",
		.sess.username = "monitor",
		.sess.known_hosts_file = "/nonexistent",
		.dialect = &asa_cli_dialect,
	};
	struct vx_ssh		*s;
	struct vx_strbuf	 out;
	struct vx_err		 err;

	(void)state;
	s = vx_ssh_new(&p);
	assert_non_null(s);
	assert_false(vx_ssh_connected(s));
	assert_string_equal(vx_ssh_prompt(s), "");
	assert_int_equal(vx_ssh_logins(s), 0);
	vx_strbuf_init(&out, 0);
	/* Bad commands are refused before any I/O. */
	assert_int_equal(vx_ssh_run(s, "show x\nreload", &out,
	    vx_deadline_in(1000), &err), -VX_E_INTERNAL);
	assert_int_equal(vx_ssh_run(s, "", &out, vx_deadline_in(1000), &err),
	    -VX_E_INTERNAL);
	/* A deadline already passed fails before connecting. */
	assert_int_equal(vx_ssh_run(s, "show asp drop", &out,
	    vx_deadline_in(0), &err), -VX_E_TIMEOUT);
	assert_non_null(strstr(err.msg, "[2001:db8::1]:22"));
	vx_ssh_close(s);
	vx_ssh_free(s);
	vx_ssh_free(NULL);
	vx_strbuf_release(&out);
}

/* The Junos dialect: prompts, the pager with a percentage, errors. */
static void
test_junos_dialect(void **state)
{
	const struct vx_cli_dialect	*dl = &srx_cli_dialect;
	char				 prompt[VX_SSH_PROMPT_MAX + 1];
	char				 msg[80];
	struct vx_strbuf		 out;
	static const char		 paged[] =
	    "show security ike security-associations \r\n"
	    "Index   State  Initiator cookie  Responder cookie  Mode\r\n"
	    "---(more 45%)---\r                \r"
	    "3128619 UP     f8e88716124475b0  8b2be098e20e317e  IKEv2\r\n"
	    "\r\n{primary:node0}\r\nmonitor@srx-1> ";

	(void)state;
	assert_true(vx_ssh_find_prompt(dl, "monitor@srx-1> ",
	    LEN("monitor@srx-1> "), prompt, sizeof(prompt)));
	assert_string_equal(prompt, "monitor@srx-1>");
	assert_true(vx_ssh_find_prompt(dl, "{primary:node0}\r\nroot@fw1% ",
	    LEN("{primary:node0}\r\nroot@fw1% "), prompt, sizeof(prompt)));
	assert_string_equal(prompt, "root@fw1%");
	assert_false(vx_ssh_find_prompt(dl, "{primary:node0}\r\n",
	    LEN("{primary:node0}\r\n"), prompt, sizeof(prompt)));
	/* Junos has '%' prompts, the ASA has none. */
	assert_false(vx_ssh_find_prompt(&asa_cli_dialect, "root@fw1% ",
	    LEN("root@fw1% "), prompt, sizeof(prompt)));
	assert_true(vx_ssh_pager_pending(dl, "a\r\n---(more)---",
	    LEN("a\r\n---(more)---")));
	assert_true(vx_ssh_pager_pending(dl, "a\r\n---(more 45%)--- ",
	    LEN("a\r\n---(more 45%)--- ")));
	assert_false(vx_ssh_pager_pending(dl, "a\r\n<--- More --->",
	    LEN("a\r\n<--- More --->")));
	assert_false(vx_ssh_pager_pending(&asa_cli_dialect,
	    "a\r\n---(more)---", LEN("a\r\n---(more)---")));
	assert_false(vx_ssh_pager_pending(dl, "---(more", LEN("---(more")));

	vx_strbuf_init(&out, 0);
	vx_ssh_clean_output(dl, paged, LEN(paged),
	    "show security ike security-associations", "monitor@srx-1>", &out);
	assert_string_equal(out.buf,
	    "Index   State  Initiator cookie  Responder cookie  Mode\n"
	    "3128619 UP     f8e88716124475b0  8b2be098e20e317e  IKEv2\n"
	    "\n{primary:node0}\n");
	vx_strbuf_release(&out);

#define JERR(t)	vx_ssh_device_error(dl, t, strlen(t), msg, sizeof(msg))
	assert_true(JERR("                 ^\nsyntax error, expecting "
	    "<command>.\n"));
	assert_string_equal(msg, "syntax error, expecting <command>.");
	assert_true(JERR("error: the ipsec-key-management subsystem is not "
	    "running\n"));
	assert_true(JERR("\nunknown command.\n"));
	assert_false(JERR("Total active tunnels: 0\n"));
	/* ASA words are not Junos errors, nor the other way round. */
	assert_false(JERR("% Invalid input\n"));
#undef JERR
	assert_false(vx_ssh_device_error(&asa_cli_dialect, "error: x\n", 9,
	    msg, sizeof(msg)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_prompt),
		cmocka_unit_test(test_find_prompt_long_tail),
		cmocka_unit_test(test_pager_and_password),
		cmocka_unit_test(test_clean_output),
		cmocka_unit_test(test_clean_output_appends),
		cmocka_unit_test(test_device_error),
		cmocka_unit_test(test_new_and_free),
		cmocka_unit_test(test_junos_dialect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
