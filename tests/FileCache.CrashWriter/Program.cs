using FileCache;
using FileCache.Writing;

// Usage: FileCache.CrashWriter <root>
// 1. Writes 20 files behind and flushes them; prints "FLUSHED".
// 2. Writes 10 of them again (generation 2) and 20 new files, behind, with a one-hour delay: they stay pending.
// 3. Rewrites four 1 MiB files through, forever, each with every byte equal to its generation; prints "GEN n".
// The parent kills this process at some point of step 3: flushed files must hold generation 1, pending writes must be
// missing, and each large file must be whole (one generation, full length).
string root = args[0];
var options = new FileCacheOptions { MaxBytes = 256L * 1024 * 1024 };
options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
options.Writing.WriteBehindDelay = TimeSpan.FromHours(1);
options.Writing.FlushToDisk = false; // a SIGKILL is not a power loss: the rename alone must keep files whole
options.AddProject("p", root);
var cache = FileCacheFactory.Create(options);

for (int i = 0; i < 20; i++)
{
    await cache.WriteAsync("p", $"flushed/f{i}.txt", CrashPattern.Text(i, 1), WriteMode.WriteBehind);
}

await cache.FlushAsync();
Console.WriteLine("FLUSHED");

for (int i = 0; i < 10; i++)
{
    await cache.WriteAsync("p", $"flushed/f{i}.txt", CrashPattern.Text(i, 2), WriteMode.WriteBehind);
}

for (int i = 0; i < 20; i++)
{
    await cache.WriteAsync("p", $"pending/p{i}.txt", CrashPattern.Text(i, 1), WriteMode.WriteBehind);
}

Console.WriteLine("PENDING");
for (int generation = 1; ; generation++)
{
    for (int j = 0; j < 4; j++)
    {
        await cache.WriteAsync("p", $"big/b{j}.bin", CrashPattern.Big(generation), WriteMode.WriteThrough);
    }

    Console.WriteLine($"GEN {generation}");
}

/// <summary>The contents the crash test expects: a text file per (file, generation), and large files of one byte value.</summary>
internal static class CrashPattern
{
    public const int BigLength = 1 << 20;

    public static byte[] Text(int file, int generation) =>
        System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"file {file} generation {generation}\n", 100)));

    public static byte[] Big(int generation)
    {
        var bytes = new byte[BigLength];
        Array.Fill(bytes, (byte)(generation % 251));
        return bytes;
    }
}
