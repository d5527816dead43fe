using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Keys;
using Reporting.Format.Signatures;
using Reporting.Report.Home;
using Reporting.Report.Text;

namespace Reporting.Report.Commands;

/// <summary><c>report verify-file</c>: checks a file the organisation signed (FILE.minisig, minisign's format),
/// such as the next release of this tool, against the organisation key; what stock minisign does, for those
/// who have only this tool.</summary>
static class VerifyFileCommand
{
    public static Command Create()
    {
        var orgKey = new Option<string>("--org-key") { Description = UiText.Get("Help_verify_file_org_key") };
        var signature = new Option<string>("--signature") { Description = UiText.Get("Help_verify_file_signature") };
        var file = new Argument<string>("FILE") { Description = UiText.Get("Help_verify_file_FILE") };
        var command = new Command("verify-file", UiText.Get("Help_verify_file")) { orgKey, signature, file };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var (_, config) = CommonOptions.Start(result);
            var organisation = Organisation(result.GetValue(orgKey) ?? config?.Organisation);
            var path = result.GetValue(file)!;
            var signaturePath = result.GetValue(signature) ?? MinisignSignature.FileNameFor(path);
            if (!File.Exists(signaturePath))
                throw new ToolException(UiText.Format("NoSignature", signaturePath), UiText.Get("HintNoSignature"));
            if (new FileInfo(signaturePath).Length > MinisignSignature.MaxFileBytes)
                throw new ToolException(UiText.Format("SignatureBroken", signaturePath), UiText.Get("HintDoNotRun"));
            var signatureBytes = File.ReadAllBytes(signaturePath);
            string trustedComment;
            try
            {
                using var stream = CommandFiles.OpenInput(path);
                trustedComment = MinisignSignature.Verify(organisation, stream, signatureBytes);
            }
            catch (SignatureException e)
            {
                throw new ToolException(e.Failure switch
                {
                    SignatureFailure.BadSignature or SignatureFailure.BadTrustedComment => UiText.Format("SignatureTampered", path),
                    SignatureFailure.OtherKey => UiText.Format("SignatureOtherKey", path),
                    _ => UiText.Format("SignatureBroken", signaturePath),
                }, UiText.Get("HintDoNotRun"));
            }
            Console.Out.WriteLine(UiText.Format("SignatureGood", path, organisation));
            Console.Out.WriteLine(UiText.Format("SignatureComment", trustedComment));
            return 0;
        }));
        return command;
    }

    static PublicSigningKey Organisation(string? text)
    {
        if (text is null)
            throw new ToolException(UiText.Get("BadVerifyKey"), UiText.Get("HintOrgKey"));
        if (MinisignKey.TryParse(text, out var minisign))
            return minisign!;
        if (PublicSigningKey.TryParse(text.Trim(), out var key) && key!.Kind == SigningKeyKind.Organisation)
            return key;
        throw new ToolException(UiText.Get("BadVerifyKey"), UiText.Get("HintOrgKey"));
    }
}
