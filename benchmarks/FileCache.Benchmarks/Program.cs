using BenchmarkDotNet.Running;

namespace FileCache.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release -- --filter '*HitBenchmarks*'</c> (see README.md).</summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--held-bytes")
        {
            // Not a timing: the bytes a cache counts per MB of the SDK's text files, without and with compression.
            Console.WriteLine($"Corpus: {TextCorpus.Files.Length} files, {TextCorpus.TotalBytes:N0} bytes under {TextCorpus.Root}");
            double plain = CompressionBenchmarks.HeldPerMegabyte(compress: false);
            double compressed = CompressionBenchmarks.HeldPerMegabyte(compress: true);
            Console.WriteLine($"Held per MB of text: {plain:N0} bytes uncompressed, {compressed:N0} bytes compressed ({plain / compressed:F2}x less)");
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
