namespace Portico.Hosting;

/// <summary>
/// The console log: readable single lines (<c>simple</c>, the default) or one JSON object a line (<c>json</c>) for a log
/// shipper. Both carry UTC timestamps and the scopes (request id and path, trace id, session id).
/// </summary>
internal static class ConsoleLogs
{
    public const string FormatKey = "Portico:Logging:Format";
    public const string Simple = "simple";
    public const string Json = "json";

    public static ILoggingBuilder AddPorticoConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        var format = configuration[FormatKey]?.Trim();
        if (string.IsNullOrEmpty(format) || string.Equals(format, Simple, StringComparison.OrdinalIgnoreCase))
        {
            logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
        else if (string.Equals(format, Json, StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                // One object a line: a shipper splits on new lines.
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            throw new SettingException($"the log format '{LogValue.Safe(format)}' is not known.",
                "set Portico__Logging__Format (or serve --log-format) to 'simple' (readable lines, the default) or 'json' (one JSON object a line).");
        }

        // Every line written during a request names its trace (the scope "TraceId:…"), so a log line leads to the trace and back.
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId);
        return logging;
    }
}
