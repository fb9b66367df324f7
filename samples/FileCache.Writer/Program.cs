// The writer sample: a cache bound from appsettings.json ("FileCache" section) that writes notes through and behind,
// flushes, meets a conflicting change made by another editor, prints its statistics and exits.
//   dotnet run --project samples/FileCache.Writer
//   dotnet run --project samples/FileCache.Writer -- --FileCache:Projects:0:RootPath=/some/dir   (any option overrides)
using System.Text;
using FileCache;
using FileCache.Writing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders(); // the sample prints what happens itself
builder.Services.AddFileCache(builder.Configuration.GetSection("FileCache"));

// The notes project's root must exist before start-up validates it; the sample's own files start afresh.
string root = builder.Configuration["FileCache:Projects:0:RootPath"] ?? throw new InvalidOperationException("FileCache:Projects:0:RootPath is not configured.");
Directory.CreateDirectory(root);
foreach (string name in new[] { "todo.md", "journal.md", "shared.md" })
{
    File.Delete(Path.Join(root, name));
}

using var host = builder.Build();
await host.StartAsync(); // invalid options fail here, one message per field
var cache = host.Services.GetRequiredService<IFileCache>();
cache.WriteFailed += (_, e) => Console.WriteLine($"write failed: {e.Key.Path}, conflict={e.IsConflict}, will retry={e.WillRetry}");
Console.WriteLine($"root: {root}");

// 1. Write-through: the disk first (temporary file, fsync, rename), then the cache.
await cache.WriteAsync("notes", "todo.md", Utf8("- write the sample\n"));
Console.WriteLine($"write-through: todo.md on disk = {Quote(Disk("todo.md"))}");

// 2. Write-behind: the cache now, the disk after Writing.WriteBehindDelay; writes before the flush coalesce.
foreach (string line in new[] { "monday", "monday, tuesday", "monday, tuesday, wednesday" })
{
    await cache.WriteAsync("notes", "journal.md", Utf8(line), WriteMode.WriteBehind);
}

var read = await cache.ReadAsync("notes", "journal.md");
var writes = cache.GetStatistics().Writes;
Console.WriteLine($"write-behind: journal.md read = {Quote(Text(read.Content))}, on disk = {Quote(Disk("journal.md"))}, pending = {writes.Pending} file(s), {writes.PendingBytes} bytes");

// 3. Flush what is pending now (dispose would too, within Writing.DisposeFlushTimeout).
await cache.FlushAsync("notes");
Console.WriteLine($"flushed: journal.md on disk = {Quote(Disk("journal.md"))}");

// 4. A conflict: another editor changes shared.md while our write of it is pending. The flush does not overwrite it.
await cache.WriteAsync("notes", "shared.md", Utf8("draft"));
await cache.WriteAsync("notes", "shared.md", Utf8("our edit"), WriteMode.WriteBehind);
await File.WriteAllTextAsync(Path.Join(root, "shared.md"), "their edit, made elsewhere");
try
{
    await cache.FlushAsync("notes");
    Console.WriteLine("conflict: none detected (unexpected)");
}
catch (AggregateException error) when (error.InnerExceptions.OfType<FileWriteConflictException>().FirstOrDefault() is { } conflict)
{
    var now = await cache.ReadAsync("notes", "shared.md");
    Console.WriteLine($"conflict: shared.md kept on disk = {Quote(Disk("shared.md"))}, read = {Quote(Text(now.Content))}, our unwritten bytes = {Quote(Text(conflict.Content))}");
}

// 5. Statistics.
var stats = cache.GetStatistics();
writes = stats.Writes;
Console.WriteLine($"statistics: writes through={writes.WritesThrough} behind={writes.WritesBehind} coalesced={writes.Coalesced} flushed={writes.Flushed} conflicts={writes.Conflicts} failures={writes.FlushFailures} pending={writes.Pending} waited={writes.Waited}; reads hits={stats.Total.Hits} misses={stats.Total.Misses}");

await host.StopAsync();
Console.WriteLine("done");
return 0;

static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

static string Quote(string? text) => text is null ? "(no file)" : $"\"{text.TrimEnd('\n')}\"";

string? Disk(string name) => File.Exists(Path.Join(root, name)) ? File.ReadAllText(Path.Join(root, name)) : null;
