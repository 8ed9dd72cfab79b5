#ifndef VX_CFG_H
#define VX_CFG_H

/*
 * YAML configuration as a tree that keeps every node's position, so that
 * every error names file:line:col (collectd lost this; we must not), plus a
 * table-driven walker (nginx ngx_command_t, redis standardConfig) that
 * fills a struct from a mapping and reports unknown keys, wrong types and
 * out-of-range values.  All errors are collected, then reported together.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum vx_cfg_kind {
	VX_CFG_SCALAR,
	VX_CFG_SEQ,
	VX_CFG_MAP,
};

struct vx_cfg_node {
	enum vx_cfg_kind	 kind;
	const char		*file;
	unsigned		 line;		/* 1-based */
	unsigned		 col;		/* 1-based */
	/* VX_CFG_SCALAR */
	const char		*value;		/* NUL-terminated */
	size_t			 len;
	bool			 plain;		/* not quoted */
	/* VX_CFG_SEQ: items[0..n); VX_CFG_MAP: key items[2i], value items[2i+1] */
	struct vx_cfg_node	**items;
	size_t			 n;
};

struct vx_cfg_errors {
	char	**msgs;
	size_t	  n;
	size_t	  cap;
};

struct vx_strlist;

struct vx_cfg_doc {
	struct vx_arena		 arena;
	const char		*file;
	const char		*dir;		/* for relative *_file paths */
	struct vx_cfg_node	*root;		/* NULL for an empty document */
	/*
	 * If set, every secret the walker reads (KEY, KEY_file, KEY_env) is
	 * also copied here, so that the device's output can be scrubbed of
	 * it (a device may echo what it was sent).
	 */
	struct vx_strlist	*secret_sink;
};

/*
 * Records "file:line:col: message" (or just the message if at is NULL),
 * once: the same message at the same place again is dropped.
 */
void	vx_cfg_error(struct vx_cfg_errors *errs, const struct vx_cfg_node *at,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	vx_cfg_errors_release(struct vx_cfg_errors *errs);

/*
 * Parses a YAML file (or buffer; name is used in messages).  Returns the
 * document, or NULL with errors recorded.  Free with vx_cfg_doc_free().
 */
struct vx_cfg_doc *vx_cfg_doc_load_file(const char *path,
	    struct vx_cfg_errors *errs);
struct vx_cfg_doc *vx_cfg_doc_load_buffer(const char *name, const char *buf,
	    size_t len, struct vx_cfg_errors *errs);
void	vx_cfg_doc_free(struct vx_cfg_doc *doc);

/*
 * A path from the configuration as it is opened: unchanged if absolute
 * (or doc is NULL), else relative to the directory of doc's file.  Writes
 * it to buf (cut to size - 1 bytes); false if it was cut.
 */
bool	vx_cfg_path(const struct vx_cfg_doc *doc, const char *path, char *buf,
	    size_t size);

/* The largest file a *_file option may name (secrets, keys, known_hosts). */
#define VX_CFG_FILE_MAX		(64 * 1024)

/*
 * Reads a file the configuration names.  It is opened without blocking
 * and must be a regular file (or a symlink to one) of at most max bytes:
 * a FIFO, a device (/dev/zero) or a huge file is refused at once instead
 * of wedging the reader.  Returns the contents, NUL-terminated, with
 * their length in *len (free() them, after explicit_bzero for secrets),
 * or NULL with the reason in why ("a FIFO, not a regular file").
 */
char	*vx_cfg_file_read(const char *path, size_t max, size_t *len,
	    char *why, size_t whylen);
/* The same checks without reading: true if path could be read. */
bool	 vx_cfg_file_check(const char *path, size_t max, char *why,
	    size_t whylen);

/* The value of key in a mapping, or NULL. */
const struct vx_cfg_node *vx_cfg_map_get(const struct vx_cfg_node *map,
	    const char *key);
/* "a mapping", "a list", "a string": for messages. */
const char *vx_cfg_kind_name(enum vx_cfg_kind kind);

/* Field types the walker knows. */
enum vx_cfg_type {
	VX_CFG_T_STRING,	/* char *, malloc'd */
	VX_CFG_T_SECRET,	/* struct vx_secret; KEY, KEY_file or KEY_env */
	VX_CFG_T_DURATION,	/* int64_t milliseconds, "30s", "1m" */
	VX_CFG_T_INT,		/* int64_t */
	VX_CFG_T_NUMBER,	/* double; a decimal number, not NaN or inf */
	VX_CFG_T_SIZE,		/* int64_t bytes, "32MiB", "65536" */
	VX_CFG_T_BOOL,		/* bool */
	VX_CFG_T_ENUM,		/* int, index into enum_names */
	VX_CFG_T_STRLIST,	/* struct vx_strlist; a list of strings */
	VX_CFG_T_LABELS,	/* struct vx_strlist pairs; a string mapping */
	VX_CFG_T_NODE,		/* const struct vx_cfg_node *, left to the caller */
};

struct vx_secret {
	char	*value;		/* NULL if not configured */
};

struct vx_strlist {
	char	**v;
	size_t	  n;		/* for LABELS: v[2i] name, v[2i+1] value */
};

struct vx_cfg_key {
	const char		*name;
	enum vx_cfg_type	 type;
	size_t			 offset;
	bool			 required;
	int64_t			 min;		/* INT, DURATION, NUMBER, SIZE; min == max: none */
	int64_t			 max;
	const char *const	*enum_names;	/* ENUM: NULL-terminated */
};

/*
 * Applies the mapping 'map' to obj according to keys (terminated by an
 * entry with name NULL).  Unknown keys, type errors, range errors and
 * missing required keys are recorded in errs; 'where' names the section in
 * messages ("device 'asa-1'").  If seen is not NULL, bit i is set for each
 * key i present.  Returns the number of errors recorded.
 */
size_t	vx_cfg_apply(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
	    const struct vx_cfg_key *keys, const struct vx_cfg_node *map,
	    void *obj, const char *where, uint64_t *seen);

/* Frees the STRING, SECRET, STRLIST and LABELS fields of obj. */
void	vx_cfg_free_fields(const struct vx_cfg_key *keys, void *obj);

/* Levenshtein distance of a and b (99 when either is long), for hints. */
size_t	vx_cfg_edit_distance(const char *a, const char *b);
void	vx_secret_clear(struct vx_secret *s);
void	vx_strlist_clear(struct vx_strlist *l);
/* vx_strlist_clear, zeroing the strings first (they hold secrets). */
void	vx_strlist_clear_secrets(struct vx_strlist *l);
/* Deep copy; returns false on out-of-memory. */
bool	vx_strlist_copy(struct vx_strlist *dst, const struct vx_strlist *src);
bool	vx_secret_copy(struct vx_secret *dst, const struct vx_secret *src);

#endif
