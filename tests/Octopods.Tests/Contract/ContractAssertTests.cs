using System;
using System.Collections.Generic;
using System.Text;
using Xunit;
using Xunit.Sdk;

namespace Octopods.Tests.Contract
{
    /// <summary>The contract helpers can fail: a comparison that passes everything would make every request test vacuous.</summary>
    public class ContractAssertTests
    {
        [Theory]
        [InlineData("{\"a\":1,\"b\":[\"x\"]}", "{ \"b\": [\"x\"], \"a\": 1 }", true)]   // order and whitespace do not matter
        [InlineData("{\"a\":1}", "{\"a\":\"1\"}", false)]                               // a number is not a string
        [InlineData("{\"a\":true}", "{\"a\":false}", false)]
        [InlineData("{\"a\":1}", "{\"a\":1,\"b\":null}", false)]                        // an extra field, even null
        [InlineData("{\"a\":1,\"b\":2}", "{\"a\":1}", false)]                           // a missing field
        [InlineData("[\"Alex\",\"1234\"]", "[\"1234\",\"Alex\"]", false)]               // arrays keep their order
        [InlineData("{\"A\":1}", "{\"a\":1}", false)]                                   // names are case-sensitive
        [InlineData("{\"a\":1}", "{\"a\":1,\"a\":1}", false)]                           // a property sent twice
        public void SameJson_compares_by_structure(string expected, string actual, bool same)
        {
            var failure = Record.Exception(() => ContractAssert.SameJson(expected, actual));
            if (same) Assert.Null(failure);
            else Assert.IsType<TrueException>(failure);
        }

        [Fact]
        public void Headers_fail_without_the_key_or_with_a_foreign_content_type()
        {
            var body = Encoding.UTF8.GetBytes("{}");
            RecordedRequest Post(params (string Name, string Value)[] headers)
            {
                var list = new List<KeyValuePair<string, string>>();
                foreach (var (name, value) in headers) list.Add(new KeyValuePair<string, string>(name, value));
                return new RecordedRequest("POST", "/api/v1/sms/messages", list, body);
            }

            ContractAssert.Headers(Post(("X-Octopods-Auth", "k"), ("Accept", "application/json"), ("Content-Type", "application/json"), ("Content-Length", "2")), "k");
            ContractAssert.Headers(Post(("x-octopods-auth", "k"), ("Accept", "application/json"), ("Content-Type", "application/json; charset=UTF-8"), ("Content-Length", "2")), "k");
            Assert.ThrowsAny<Exception>(() => ContractAssert.Headers(Post(("Accept", "application/json"), ("Content-Type", "application/json"), ("Content-Length", "2")), "k"));
            Assert.ThrowsAny<Exception>(() => ContractAssert.Headers(Post(("X-Octopods-Auth", "k"), ("Accept", "application/json"), ("Content-Type", "text/plain"), ("Content-Length", "2")), "k"));
            Assert.ThrowsAny<Exception>(() => ContractAssert.Headers(Post(("X-Octopods-Auth", "k"), ("Accept", "application/json"), ("Content-Type", "application/json; charset=iso-8859-1"), ("Content-Length", "2")), "k"));
            Assert.ThrowsAny<Exception>(() => ContractAssert.Headers(Post(("X-Octopods-Auth", "k"), ("X-Octopods-Auth", "k"), ("Accept", "application/json"), ("Content-Type", "application/json"), ("Content-Length", "2")), "k"));
        }
    }
}
