using FileCache.Prometheus;

// dotnet run --project samples/FileCache.Prometheus -- --root /some/dir [--workload true]
// then: open http://127.0.0.1:5080/filecache; curl http://127.0.0.1:5080/files/<path>; curl http://127.0.0.1:5080/metrics
var app = SampleApp.Create(args);
string url = app.Configuration["urls"] ?? SampleApp.DefaultUrl;
Console.WriteLine($"Serving files through FileCache; dashboard at {url}/filecache, metrics at {url}/metrics, health at {url}/health");
await app.RunAsync();
