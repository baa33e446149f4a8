corridor_add_bench(bench_gas bench_gas.cpp)
