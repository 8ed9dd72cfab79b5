# SSH transport: the session layer (ssh_session.h), the CLI layer driven by a
# vendor's dialect (ssh.h) and the NETCONF client (netconf.h), over libssh.
# libssh is loaded with dlopen when the first SSH collector is configured
# (ssh_lib.h), so only its headers are used at build time; its soname is
# taken from the library the build would have linked.
find_library(VX_LIBSSH_PATH NAMES ssh HINTS ${SSH_LIBRARY_DIRS} REQUIRED)
get_filename_component(vx_libssh_real ${VX_LIBSSH_PATH} REALPATH)
get_filename_component(vx_libssh_file ${vx_libssh_real} NAME)
string(REGEX MATCH "^libssh\\.so\\.[0-9]+" VX_LIBSSH_SONAME "${vx_libssh_file}")
if(NOT VX_LIBSSH_SONAME)
  message(FATAL_ERROR "cannot tell libssh's soname from ${vx_libssh_real}")
endif()

add_library(vx_transport_ssh STATIC ${CMAKE_CURRENT_LIST_DIR}/ssh.c
  ${CMAKE_CURRENT_LIST_DIR}/ssh_term.c ${CMAKE_CURRENT_LIST_DIR}/ssh_session.c
  ${CMAKE_CURRENT_LIST_DIR}/ssh_lib.c ${CMAKE_CURRENT_LIST_DIR}/netconf.c
  ${CMAKE_CURRENT_LIST_DIR}/ssh_opts.c)
vx_target_defaults(vx_transport_ssh)
target_include_directories(vx_transport_ssh PUBLIC ${CMAKE_CURRENT_LIST_DIR}
  ${CMAKE_CURRENT_LIST_DIR}/../common)
target_include_directories(vx_transport_ssh PRIVATE ${SSH_INCLUDE_DIRS})
target_compile_definitions(vx_transport_ssh PRIVATE
  VX_LIBSSH_SONAME="${VX_LIBSSH_SONAME}")
target_link_libraries(vx_transport_ssh PUBLIC vx_core vx_config vx_xml
  Threads::Threads
  ${CMAKE_DL_LIBS})
