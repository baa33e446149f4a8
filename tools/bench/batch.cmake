corridor_add_bench(bench_batch bench_batch.cpp)
