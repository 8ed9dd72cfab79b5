# Warnings for our own targets only (PRIVATE): never exported to consumers.
# -Wswitch-enum is left out on purpose: the renderer switches over metric ids
# with a default branch, and -Wswitch (in -Wall) already catches missing
# cases where there is no default.
set(VX_WARNINGS
  -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations
  -Wshadow -Wpointer-arith -Wcast-qual -Wsign-compare -Wformat=2
  -Wno-missing-field-initializers)
if(VX_WERROR)
  list(APPEND VX_WARNINGS -Werror)
endif()

# vx_target_defaults(target): C11, our warnings, our include root.
function(vx_target_defaults tgt)
  target_compile_options(${tgt} PRIVATE ${VX_WARNINGS})
  target_compile_definitions(${tgt} PRIVATE _POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
endfunction()
