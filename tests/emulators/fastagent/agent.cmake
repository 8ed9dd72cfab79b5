# The vx_fastagent executable alone: included by tests/emulators/
# fastagent.cmake, and by the top-level CMakeLists.txt for the demo lab
# when the test suite is off (-DVX_TESTS=OFF -DVX_LAB=ON).
add_executable(vx_fastagent ${CMAKE_CURRENT_LIST_DIR}/fastagent.c)
vx_target_defaults(vx_fastagent)
target_link_libraries(vx_fastagent PRIVATE vx_netsnmp m)
