namespace Reporting.Report.Guided;

/// <summary>A report being composed, in memory only: it is never written anywhere in the clear.</summary>
sealed class Draft
{
    public string? Category { get; set; }
    public string? Region { get; set; }
    public string? When { get; set; }
    public string? Text { get; set; }
    public List<string> AttachmentPaths { get; } = [];
}
