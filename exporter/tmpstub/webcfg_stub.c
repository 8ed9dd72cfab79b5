#include "webcfg.h"
struct vx_webcfg *vx_webcfg_load(const char *path, struct vx_cfg_errors *errs) { vx_cfg_error(errs, NULL, "%s: web config not supported yet", path); return NULL; }
void vx_webcfg_free(struct vx_webcfg *w) { (void)w; }
size_t vx_webcfg_mhd_options(const struct vx_webcfg *w, unsigned int *flags, struct MHD_OptionItem *opts, size_t max) { (void)w; (void)flags; (void)opts; (void)max; return 0; }
bool vx_webcfg_check(const struct vx_webcfg *w, struct MHD_Connection *c, enum MHD_Result *ret) { (void)w; (void)c; (void)ret; return true; }
void vx_webcfg_add_headers(const struct vx_webcfg *w, struct MHD_Response *r) { (void)w; (void)r; }
