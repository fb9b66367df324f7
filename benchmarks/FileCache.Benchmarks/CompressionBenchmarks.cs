using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using K4os.Compression.LZ4;

namespace FileCache.Benchmarks;

/// <summary>
/// LZ4 on a real corpus (the text files of the .NET SDK folder, <see cref="TextCorpus"/>): compress and decompress
/// speed over the whole corpus, the bytes a cache holds per MB of that text with and without compression, and the
/// cost of a hit on a compressed 16 KiB file through each read API.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CorpusConfig))]
public class CompressionBenchmarks
{
    /// <summary>Size of the entry the hit rows read.</summary>
    public const int EntryBytes = 16 * 1024;

    private byte[][] _files = null!;
    private byte[][] _blocks = null!;
    private byte[] _scratch = null!;
    private IFileCache _plain = null!;
    private IFileCache _compressed = null!;
    private FileKey _plainKey;
    private FileKey _compressedKey;
    private byte[] _destination = null!;

    [GlobalSetup]
    public void Setup()
    {
        _files = TextCorpus.Files;
        _scratch = new byte[LZ4Codec.MaximumOutputSize(_files.Max(f => f.Length))];
        _blocks = _files.Select(f => _scratch.AsSpan(0, LZ4Codec.Encode(f, _scratch, LZ4Level.L00_FAST)).ToArray()).ToArray();
        _destination = new byte[_files.Max(f => f.Length)];

        byte[] entry = Slice16KiB();
        _plain = Create(compress: false);
        _compressed = Create(compress: true);
        _plainKey = _plain.CreateKey(BenchmarkData.Project, "sdk/entry.xml");
        _compressedKey = _compressed.CreateKey(BenchmarkData.Project, "sdk/entry.xml");
        _plain.Set(_plainKey, new CachedFile(_plainKey, "/sdk/entry.xml", entry, default, default));
        _compressed.Set(_compressedKey, new CachedFile(_compressedKey, "/sdk/entry.xml", entry, default, default));
        if (!_compressed.TryCopyContent(_compressedKey, _destination, out int written) || written != EntryBytes
            || _compressed.GetStatistics().Total.Bytes >= EntryBytes)
        {
            throw new InvalidOperationException("The 16 KiB entry is not held compressed.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _compressed.Dispose();
    }

    [Benchmark(Description = "LZ4 compress corpus")]
    public int Compress()
    {
        int total = 0;
        foreach (byte[] file in _files)
        {
            total += LZ4Codec.Encode(file, _scratch, LZ4Level.L00_FAST);
        }

        return total;
    }

    [Benchmark(Description = "LZ4 decompress corpus")]
    public int Decompress()
    {
        int total = 0;
        foreach (byte[] block in _blocks)
        {
            total += LZ4Codec.Decode(block, _destination);
        }

        return total;
    }

    [Benchmark(Description = "Fill a cache with the corpus, plain")]
    public long FillPlain() => Fill(compress: false);

    [Benchmark(Description = "Fill a cache with the corpus, compressed")]
    public long FillCompressed() => Fill(compress: true);

    [Benchmark(Baseline = true, Description = "Hit 16 KiB plain: TryGet<CachedFile>")]
    public int HitPlain() => _plain.TryGet(_plainKey, out CachedFile? file) ? file!.Length : -1;

    [Benchmark(Description = "Hit 16 KiB compressed: TryGet<CachedFile>")]
    public int HitCompressedTryGet() => _compressed.TryGet(_compressedKey, out CachedFile? file) ? file!.Length : -1;

    [Benchmark(Description = "Hit 16 KiB compressed: TryCopyContent")]
    public int HitCompressedCopy() => _compressed.TryCopyContent(_compressedKey, _destination, out int written) ? written : -1;

    [Benchmark(Description = "Hit 16 KiB compressed: TryLeaseContent")]
    public int HitCompressedLease()
    {
        if (!_compressed.TryLeaseContent(_compressedKey, out var lease))
        {
            return -1;
        }

        using (lease)
        {
            return lease.Length;
        }
    }

    /// <summary>A 16 KiB run of corpus text (the concatenated files from the middle of the corpus).</summary>
    internal static byte[] Slice16KiB()
    {
        var all = TextCorpus.Files.SelectMany(f => f).ToArray();
        return all.AsSpan(all.Length / 2, EntryBytes).ToArray();
    }

    internal static IFileCache Create(bool compress) =>
        FileCacheFactory.Create(new FileCacheOptions
        {
            MaxBytes = 1L << 30,
            Compression = { ThresholdBytes = compress ? 1024 : null },
            Memory = { AdaptToPressure = false },
        }.AddProject(BenchmarkData.Project, rootPath: null));

    /// <summary>Bytes a cache counts per MB of corpus text held, every file inserted once.</summary>
    internal static double HeldPerMegabyte(bool compress) => Fill(compress) / (TextCorpus.TotalBytes / 1_000_000.0);

    /// <summary>Inserts every corpus file into a new cache; returns the bytes it counts.</summary>
    private static long Fill(bool compress)
    {
        using var cache = Create(compress);
        int i = 0;
        foreach (byte[] file in TextCorpus.Files)
        {
            var key = cache.CreateKey(BenchmarkData.Project, string.Create(CultureInfo.InvariantCulture, $"sdk/file{i++}.xml"));
            cache.Set(key, new CachedFile(key, "/sdk/file.xml", file, default, default));
        }

        return cache.GetStatistics().Total.Bytes;
    }

    private sealed class CorpusConfig : ManualConfig
    {
        public CorpusConfig()
        {
            AddColumn(new CorpusColumn(), new HeldColumn());
        }
    }

    /// <summary>MB/s for the corpus rows (corpus bytes / mean time) and per-hit rows (16 KiB / mean time).</summary>
    private sealed class CorpusColumn : IColumn
    {
        public string Id => nameof(CorpusColumn);

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Megabytes (10^6 bytes) of original text per second: corpus rows process the whole corpus per operation, hit rows 16 KiB";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (stats is null)
            {
                return "-";
            }

            string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
            double bytes = method is nameof(Compress) or nameof(Decompress) or nameof(FillPlain) or nameof(FillCompressed) ? TextCorpus.TotalBytes : EntryBytes;
            return (bytes / stats.Mean * 1e9 / 1e6).ToString("N0", CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    /// <summary>For the fill rows: the bytes the cache counts per MB (10^6 bytes) of corpus text it holds.</summary>
    private sealed class HeldColumn : IColumn
    {
        public string Id => nameof(HeldColumn);

        public string ColumnName => "Held/MB";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 1;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Bytes counted against the budget per MB of corpus text held (fill rows only; payload + per-entry overhead)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => benchmarkCase.Descriptor.WorkloadMethod.Name switch
        {
            nameof(FillPlain) => HeldPerMegabyte(compress: false).ToString("N0", CultureInfo.InvariantCulture),
            nameof(FillCompressed) => HeldPerMegabyte(compress: true).ToString("N0", CultureInfo.InvariantCulture),
            _ => "-",
        };

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
