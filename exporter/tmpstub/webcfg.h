/* TEMPORARY stub until exporter/webcfg.* lands (helper). */
#ifndef VX_WEBCFG_H
#define VX_WEBCFG_H
#include <stdbool.h>
#include <stddef.h>
#include <microhttpd.h>
#include "cfg.h"
struct vx_webcfg;
struct vx_webcfg *vx_webcfg_load(const char *path, struct vx_cfg_errors *errs);
void vx_webcfg_free(struct vx_webcfg *w);
size_t vx_webcfg_mhd_options(const struct vx_webcfg *w, unsigned int *flags, struct MHD_OptionItem *opts, size_t max);
bool vx_webcfg_check(const struct vx_webcfg *w, struct MHD_Connection *c, enum MHD_Result *ret);
void vx_webcfg_add_headers(const struct vx_webcfg *w, struct MHD_Response *r);
#endif
