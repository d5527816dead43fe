using Reporting.Report.Attachments;

namespace Reporting.Report.Guided;

/// <summary>How a source can be answered: a codename in words, one in digits, or not at all.</summary>
enum ReplyForm { Words, Digits, None }

/// <summary>A report being composed, in memory only: it is never written anywhere in the clear.</summary>
sealed class Draft
{
    public string? Category { get; set; }
    public string? Region { get; set; }
    /// <summary>"2023-02", "2023", or null when the source is not sure.</summary>
    public string? When { get; set; }
    public string? Text { get; set; }
    public List<PreparedAttachment> Attachments { get; } = [];
    public ReplyForm Reply { get; set; } = ReplyForm.Words;
}
