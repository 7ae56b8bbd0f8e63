# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[unit.util.test_vector]=] "/work/main/build/util_test_vector")
set_tests_properties([=[unit.util.test_vector]=] PROPERTIES  ENVIRONMENT "TARN_SHARED=/work/main/../shared;TARN_TEST_TMP=/work/main/build/tmp" WORKING_DIRECTORY "/work/main/build" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;75;add_test;/work/main/CMakeLists.txt;0;")
