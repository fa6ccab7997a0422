using System.Reflection;

namespace Portico.Portal;

/// <summary>The portal's one stylesheet and one script, embedded in the assembly and served from this server (the CSP's <c>'self'</c>).</summary>
internal static class PortalAssets
{
    public const string StylesheetPath = "/portal/assets/portal.css";
    public const string ScriptPath = "/portal/assets/portal.js";

    private static readonly Lazy<byte[]> Stylesheet = new(() => Read("portal.css"));
    private static readonly Lazy<byte[]> Script = new(() => Read("portal.js"));

    public static IResult Css() => Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8");

    public static IResult Js() => Results.Bytes(Script.Value, "text/javascript; charset=utf-8");

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Portico.Portal.Assets." + name)
            ?? throw new InvalidOperationException($"The portal asset '{name}' is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
