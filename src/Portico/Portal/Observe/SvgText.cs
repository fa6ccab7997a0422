using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Portico.Portal.Observe;

/// <summary>
/// An SVG <c>&lt;text&gt;</c> element (Razor markup cannot write one: <c>&lt;text&gt;</c> is its own keyword). The content is
/// encoded like any other Razor output.
/// </summary>
public sealed class SvgText : ComponentBase
{
    [Parameter] public int X { get; set; }

    [Parameter] public int Y { get; set; }

    /// <summary><c>start</c>, <c>middle</c> or <c>end</c>.</summary>
    [Parameter] public string Anchor { get; set; } = "start";

    [Parameter] public string? Class { get; set; }

    [Parameter] public string Text { get; set; } = "";

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "text");
        builder.AddAttribute(1, "x", X);
        builder.AddAttribute(2, "y", Y);
        builder.AddAttribute(3, "text-anchor", Anchor);
        builder.AddAttribute(4, "class", Class);
        builder.AddContent(5, Text);
        builder.CloseElement();
    }
}
