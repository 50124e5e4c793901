namespace System.Runtime.CompilerServices
{
    /// <summary>Lets netstandard2.0 code declare init-only properties and records (the compiler looks for this type).</summary>
    internal static class IsExternalInit
    {
    }
}
