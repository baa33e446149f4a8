# Scale: the synthetic network generator (tools/gen_network) and bench_scale, which loads, builds and
# solves generated networks of 10k, 100k and 1M links and prints time and peak memory of each step.
add_library(corridor_synthetic STATIC ${PROJECT_SOURCE_DIR}/tools/gen_network/synthetic_network.cpp)
target_include_directories(corridor_synthetic PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(corridor_synthetic PUBLIC corridor_geo PRIVATE corridor_warnings)

add_executable(gen_network ${PROJECT_SOURCE_DIR}/tools/gen_network/gen_network.cpp)
target_link_libraries(gen_network PRIVATE corridor_synthetic corridor_warnings)

corridor_add_bench(bench_scale bench_scale.cpp)
target_link_libraries(bench_scale PRIVATE corridor_synthetic)
target_compile_definitions(bench_scale PRIVATE CORRIDOR_BINARY_DIR="${PROJECT_BINARY_DIR}")
