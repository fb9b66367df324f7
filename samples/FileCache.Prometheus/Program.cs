using FileCache.Prometheus;

// dotnet run --project samples/FileCache.Prometheus -- --root /some/dir
// then: curl http://127.0.0.1:5080/files/<path>; curl http://127.0.0.1:5080/metrics
var app = SampleApp.Create(args);
Console.WriteLine($"Serving files through FileCache; metrics at {app.Configuration["urls"] ?? SampleApp.DefaultUrl}/metrics");
await app.RunAsync();
