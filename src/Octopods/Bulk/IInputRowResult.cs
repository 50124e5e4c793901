namespace Octopods.Bulk
{
    /// <summary>A send result that names the input row it was sent for, so results join back to the CSV.</summary>
    internal interface IInputRowResult
    {
        long? InputRow { get; set; }
    }
}
