using System;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Settings;
using Octopods.Sms;
using Octopods.Templates;
using Octopods.Viber;
using Octopods.WhatsApp;

namespace Octopods
{
    /// <summary>
    /// The core's public types: what users meet on the pipeline, in errors and as parameter values.
    /// Everything else is the engine, internal to the module (the cmdlets, the tests and the benchmark
    /// see it through InternalsVisibleTo). PowerShell 7 makes each of these a type accelerator
    /// (<c>[Octopods.Sms.SmsSendResult]</c>); a test fails when a public type is missing here.
    /// </summary>
    internal static class UserFacingTypes
    {
        public static readonly Type[] All =
        {
            // Results and what they carry.
            typeof(SmsSendResult), typeof(SmsStatus), typeof(SmsSegmentInfo), typeof(CharacterList),
            typeof(TemplateSendResult), typeof(WhatsAppSendResult), typeof(WhatsAppStatus), typeof(WhatsAppMessage),
            typeof(ViberSendResult), typeof(MessageTemplate),
            // Reports and the summary of a bulk run.
            typeof(SendReportRow), typeof(JournalState), typeof(BulkSummary),
            // The opt-out list.
            typeof(OptOuts.OptOutEntry), typeof(OptOuts.OptOutChannel),
            // Settings.
            typeof(OctopodsConfiguration), typeof(OctopodsSettingName), typeof(SettingSource), typeof(ProxyMode),
            // Errors and parameter values.
            typeof(OctopodsException), typeof(OctopodsErrorKind), typeof(OctopodsChannel),
        };
    }
}
