using BenchmarkDotNet.Running;

namespace FileCache.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release -- --filter '*HitBenchmarks*'</c> (see README.md).</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
