// `engine bench`: dispatches to the benchmarks.
using Engine.Training.Bench;

namespace Engine.Training.Cli;

public static class BenchCommand
{
    private const string Help = """
        usage: engine bench <benchmark> [options]

        benchmarks:
          gemm    GFLOP/s of the packed GEMM next to the system OpenBLAS (or of the GPU GEMM with --device)
                  [--sizes 256,512,1024,2048] [--threads N] [--dtype f32|f64] [--reps N] [--device cpu|cuda|ilgpu-cpu] [--json]
          ops     median times of the main kernels at language-model sizes
                  [--threads N] [--reps N] [--only name,name] [--pool] [--json]
          step    time, allocation and gen-2 GCs per training step
                  [--model mlp|griffin-small|hawk-small|mqa-small] [--steps 100] [--warmup 10] [--threads N] [--no-pool] [--json]
                  [--model griffin --config FILE] [--batch 8] [--seq 128]   (any Griffin/Hawk/MQA config JSON)
                  [--device cpu|cuda|ilgpu-cpu]
          decode  ms per decoded token and decode-state bytes against context length (Griffin, Hawk, MQA)
                  [--models griffin,hawk,mqa] [--contexts 256,512,1024,2048,4096,8192] [--tokens 32] [--json]
          agreement  every registered op's forward and backward on a GPU against the reference backend
                  [--device cuda|ilgpu-cpu] [--seeds 3] [--tolerance 1e-5]
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }
        return args[0] switch
        {
            "gemm" => GpuGemmBenchmark.Requested(Arguments.Tail(args)) ? GpuGemmBenchmark.Run(Arguments.Tail(args)) : GemmBenchmark.Run(Arguments.Tail(args)),
            "ops" => OpsBenchmark.Run(Arguments.Tail(args)),
            "step" => StepBenchmark.Run(Arguments.Tail(args)),
            "decode" => DecodeBenchmark.Run(Arguments.Tail(args)),
            "agreement" => AgreementCheck.Run(Arguments.Tail(args)),
            _ => throw new UsageException($"bench: unknown benchmark '{args[0]}'"),
        };
    }
}
