using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopods.FlowControl;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Time;
using Xunit;

namespace Octopods.Tests.Bulk
{
    public class RowIdentityTests
    {
        [Fact]
        public void Identity_is_stable_and_depends_on_channel_destination_and_content()
        {
            var a = RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552671", "hello");
            Assert.Equal(a, RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552671", "hello"));
            Assert.Equal(64, a.Length);
            Assert.Matches("^[0-9a-f]{64}$", a);
            Assert.NotEqual(a, RowIdentity.FromContent(OctopodsChannel.WhatsApp, "+14155552671", "hello"));
            Assert.NotEqual(a, RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552672", "hello"));
            Assert.NotEqual(a, RowIdentity.FromContent(OctopodsChannel.Sms, "+14155552671", "hello!"));
            // No ambiguity from where one field ends and the next begins.
            Assert.NotEqual(RowIdentity.FromContent(OctopodsChannel.Sms, "+1415555267", "1hello"), a);
        }

        [Fact]
        public void An_explicit_key_is_hashed_never_kept()
        {
            var id = RowIdentity.FromKey(OctopodsChannel.Sms, "order-1001");
            Assert.DoesNotContain("order-1001", id);
            Assert.Equal(id, RowIdentity.FromKey(OctopodsChannel.Sms, " order-1001 "));
            Assert.NotEqual(id, RowIdentity.FromKey(OctopodsChannel.Sms, "order-1002"));
            Assert.Equal(id, RowIdentity.Occurrence(id, 1));
            Assert.Equal(id + "#2", RowIdentity.Occurrence(id, 2));
        }

        [Fact]
        public void A_key_on_a_row_of_several_numbers_names_one_message_per_number_stably()
        {
            var first = RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination("alert-42", "+14155550101"));
            var second = RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination("alert-42", "+14155550102"));
            Assert.NotEqual(first, second);
            Assert.Equal(first, RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination(" alert-42 ", "+14155550101")));
            // Neither is the bare key's (a row with that one number), nor another key's for the same number.
            Assert.NotEqual(RowIdentity.FromKey(OctopodsChannel.Sms, "alert-42"), first);
            Assert.NotEqual(RowIdentity.FromKey(OctopodsChannel.Sms, RowIdentity.KeyForDestination("alert-43", "+14155550101")), first);
            Assert.DoesNotContain("alert-42", first);
            Assert.Throws<ArgumentException>(() => RowIdentity.KeyForDestination(" ", "+14155550101"));
        }
    }
}
