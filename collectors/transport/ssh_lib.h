#ifndef VX_TRANSPORT_SSH_LIB_H
#define VX_TRANSPORT_SSH_LIB_H

/*
 * libssh, loaded when the first SSH collector is configured rather than
 * linked: a deployment without SSH devices does not pay for libssh,
 * its OpenSSL initialisation and its Kerberos libraries (about 1.3 MiB of
 * resident memory, as much as the rest of an idle exporter's own).
 *
 * ssh.c includes this header instead of <libssh/libssh.h> alone: every
 * libssh function it calls is listed in VX_LIBSSH_FUNCS and redefined to
 * go through the table that vx_libssh_load() fills.  Calling one before a
 * successful vx_libssh_load() is a bug.
 */

#include <stdbool.h>
#include <stddef.h>

#include <libssh/libssh.h>

#define VX_LIBSSH_FUNCS(X) \
	X(ssh_channel_free) \
	X(ssh_channel_get_exit_status) \
	X(ssh_channel_is_eof) \
	X(ssh_channel_is_open) \
	X(ssh_channel_new) \
	X(ssh_channel_open_session) \
	X(ssh_channel_read_nonblocking) \
	X(ssh_channel_read_timeout) \
	X(ssh_channel_request_exec) \
	X(ssh_channel_request_pty_size) \
	X(ssh_channel_request_shell) \
	X(ssh_channel_request_subsystem) \
	X(ssh_channel_send_eof) \
	X(ssh_channel_write) \
	X(ssh_clean_pubkey_hash) \
	X(ssh_connect) \
	X(ssh_disconnect) \
	X(ssh_free) \
	X(ssh_get_error) \
	X(ssh_get_fd) \
	X(ssh_get_fingerprint_hash) \
	X(ssh_get_publickey_hash) \
	X(ssh_get_server_publickey) \
	X(ssh_is_connected) \
	X(ssh_key_free) \
	X(ssh_key_type) \
	X(ssh_key_type_from_name) \
	X(ssh_key_type_to_char) \
	X(ssh_new) \
	X(ssh_options_set) \
	X(ssh_pki_import_privkey_file) \
	X(ssh_pki_import_pubkey_base64) \
	X(ssh_session_is_known_server) \
	X(ssh_session_update_known_hosts) \
	X(ssh_string_free_char) \
	X(ssh_userauth_kbdint) \
	X(ssh_userauth_kbdint_getnprompts) \
	X(ssh_userauth_kbdint_setanswer) \
	X(ssh_userauth_list) \
	X(ssh_userauth_none) \
	X(ssh_userauth_password) \
	X(ssh_userauth_publickey)

struct vx_libssh {
#define X(f)	__typeof__(f) *p_##f;
	VX_LIBSSH_FUNCS(X)
#undef X
};

extern struct vx_libssh vx_libssh;

/*
 * Loads libssh (once per process; thread-safe).  Returns true, or false
 * with the reason (dlopen's or a missing symbol) in msg.
 */
bool	vx_libssh_load(char *msg, size_t size);

#define ssh_channel_free	(*vx_libssh.p_ssh_channel_free)
#define ssh_channel_is_eof	(*vx_libssh.p_ssh_channel_is_eof)
#define ssh_channel_is_open	(*vx_libssh.p_ssh_channel_is_open)
#define ssh_channel_new	(*vx_libssh.p_ssh_channel_new)
#define ssh_channel_open_session	(*vx_libssh.p_ssh_channel_open_session)
#define ssh_channel_read_nonblocking	(*vx_libssh.p_ssh_channel_read_nonblocking)
#define ssh_channel_read_timeout	(*vx_libssh.p_ssh_channel_read_timeout)
#define ssh_channel_request_pty_size	(*vx_libssh.p_ssh_channel_request_pty_size)
#define ssh_channel_request_shell	(*vx_libssh.p_ssh_channel_request_shell)
#define ssh_channel_write	(*vx_libssh.p_ssh_channel_write)
#define ssh_clean_pubkey_hash	(*vx_libssh.p_ssh_clean_pubkey_hash)
#define ssh_connect	(*vx_libssh.p_ssh_connect)
#define ssh_disconnect	(*vx_libssh.p_ssh_disconnect)
#define ssh_free	(*vx_libssh.p_ssh_free)
#define ssh_get_error	(*vx_libssh.p_ssh_get_error)
#define ssh_get_fingerprint_hash	(*vx_libssh.p_ssh_get_fingerprint_hash)
#define ssh_get_publickey_hash	(*vx_libssh.p_ssh_get_publickey_hash)
#define ssh_get_server_publickey	(*vx_libssh.p_ssh_get_server_publickey)
#define ssh_is_connected	(*vx_libssh.p_ssh_is_connected)
#define ssh_key_free	(*vx_libssh.p_ssh_key_free)
#define ssh_key_type	(*vx_libssh.p_ssh_key_type)
#define ssh_key_type_from_name	(*vx_libssh.p_ssh_key_type_from_name)
#define ssh_key_type_to_char	(*vx_libssh.p_ssh_key_type_to_char)
#define ssh_new	(*vx_libssh.p_ssh_new)
#define ssh_options_set	(*vx_libssh.p_ssh_options_set)
#define ssh_pki_import_privkey_file	(*vx_libssh.p_ssh_pki_import_privkey_file)
#define ssh_pki_import_pubkey_base64	(*vx_libssh.p_ssh_pki_import_pubkey_base64)
#define ssh_session_is_known_server	(*vx_libssh.p_ssh_session_is_known_server)
#define ssh_session_update_known_hosts	(*vx_libssh.p_ssh_session_update_known_hosts)
#define ssh_string_free_char	(*vx_libssh.p_ssh_string_free_char)
#define ssh_userauth_kbdint	(*vx_libssh.p_ssh_userauth_kbdint)
#define ssh_userauth_kbdint_getnprompts	(*vx_libssh.p_ssh_userauth_kbdint_getnprompts)
#define ssh_userauth_kbdint_setanswer	(*vx_libssh.p_ssh_userauth_kbdint_setanswer)
#define ssh_userauth_list	(*vx_libssh.p_ssh_userauth_list)
#define ssh_userauth_none	(*vx_libssh.p_ssh_userauth_none)
#define ssh_userauth_password	(*vx_libssh.p_ssh_userauth_password)
#define ssh_userauth_publickey	(*vx_libssh.p_ssh_userauth_publickey)

#define ssh_channel_get_exit_status	(*vx_libssh.p_ssh_channel_get_exit_status)
#define ssh_channel_request_exec	(*vx_libssh.p_ssh_channel_request_exec)
#define ssh_channel_request_subsystem	(*vx_libssh.p_ssh_channel_request_subsystem)
#define ssh_channel_send_eof	(*vx_libssh.p_ssh_channel_send_eof)
#define ssh_get_fd	(*vx_libssh.p_ssh_get_fd)

#endif
