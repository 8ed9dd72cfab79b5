# The version, taken at configure time; a new commit makes the next build
# configure again (uncommitted changes do not).  In a git checkout it comes from "git describe"; in a release
# tarball, without .git, it is PROJECT_VERSION.
#
#   VX_VERSION   what --version and vpn_exporter_build_info{version} show:
#                  on the tag v0.1.0                   0.1.0
#                  3 commits after v0.1.0              0.1.0+3.g1a2b3c4d5e6f
#                  no v* tag reachable                 0.1.0-dev+g1a2b3c4d5e6f
#                  uncommitted changes                 ...g1a2b3c4d5e6f.dirty
#   VX_REVISION  the commit (12 hex digits), or "unknown"
#   VX_COMMIT_EPOCH  the commit's time (seconds since 1970), or empty
#   VX_DEB_VERSION  VX_VERSION for dpkg, where "-" would start the Debian
#                revision and "~" sorts before the release it precedes:
#                0.1.0~dev+g1a2b3c4d5e6f < 0.1.0 < 0.1.0+3.g1a2b3c4d5e6f
set(VX_VERSION ${PROJECT_VERSION})
set(VX_REVISION unknown)
set(VX_COMMIT_EPOCH "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${CMAKE_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE rev
    RESULT_VARIABLE rev_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --tags --always --dirty
      --abbrev=12 --match "v[0-9]*"
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE desc
    RESULT_VARIABLE desc_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%ct
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE epoch
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  # A commit, checkout or merge appends to the reflog of HEAD: configure
  # again then, so that the version follows it.
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --git-path logs/HEAD
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE head_log
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(head_log AND NOT IS_ABSOLUTE "${head_log}")
    set(head_log "${CMAKE_SOURCE_DIR}/${head_log}")
  endif()
  if(head_log AND EXISTS "${head_log}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${head_log}")
  endif()
  if(rev_rc EQUAL 0 AND desc_rc EQUAL 0)
    set(VX_REVISION ${rev})
    set(VX_COMMIT_EPOCH ${epoch})
    set(meta "")
    set(dirty "")
    if(desc MATCHES "-dirty$")
      string(REGEX REPLACE "-dirty$" "" desc "${desc}")
      set(dirty dirty)
    endif()
    if(desc MATCHES "^v([0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?)(-([0-9]+)-g([0-9a-f]+))?$")
      set(VX_VERSION ${CMAKE_MATCH_1})
      if(CMAKE_MATCH_3)
        set(meta "${CMAKE_MATCH_4}.g${CMAKE_MATCH_5}")
      endif()
    else()
      set(VX_VERSION "${PROJECT_VERSION}-dev")
      set(meta "g${VX_REVISION}")
    endif()
    if(dirty AND meta)
      set(meta "${meta}.dirty")
    elseif(dirty)
      set(meta "dirty")
    endif()
    if(meta)
      set(VX_VERSION "${VX_VERSION}+${meta}")
    endif()
  endif()
endif()
string(REPLACE "-" "~" VX_DEB_VERSION "${VX_VERSION}")
message(STATUS "vpn_exporter version ${VX_VERSION} (revision ${VX_REVISION})")
