namespace FileCache.Statistics;

/// <summary>
/// The K keys with the highest estimates seen so far (Space-Saving style replacement of the smallest), in a
/// fixed array: bounded memory whatever the number of keys. The arrays are made when the first key comes, so a
/// project with no sampled hit keeps none. Not thread-safe: used under the drain lock.
/// </summary>
internal sealed class TopKeys
{
    private readonly int _capacity;
    private FileKey[] _keys = [];
    private long[] _counts = [];
    private int _size;
    private int _minIndex;

    public TopKeys(int capacity)
    {
        _capacity = capacity;
    }

    /// <summary>Gets or sets the sketch halvings this table's counts already reflect.</summary>
    public int Halvings { get; set; }

    /// <summary>Offers an entry's key with its current estimate; the key (and its joined path) is made only when the table takes it.</summary>
    public void Offer(Storage.CacheEntry entry, long estimate)
    {
        if (_size == _capacity && estimate <= _counts[_minIndex])
        {
            return;
        }

        for (int i = 0; i < _size; i++)
        {
            if (entry.Is(_keys[i]))
            {
                _counts[i] = Math.Max(_counts[i], estimate);
                if (i == _minIndex)
                {
                    FindMin();
                }

                return;
            }
        }

        Offer(entry.Key, estimate);
    }

    /// <summary>Offers a key with its current estimate.</summary>
    public void Offer(in FileKey key, long estimate)
    {
        // A full table whose smallest count is at least this estimate cannot take the key; if the key is in
        // the table already, its count is at most this estimate, so skipping the update loses nothing that matters.
        if (_size == _capacity && estimate <= _counts[_minIndex])
        {
            return;
        }

        for (int i = 0; i < _size; i++)
        {
            if (_keys[i].GetHashCode() == key.GetHashCode() && _keys[i].Equals(key))
            {
                _counts[i] = Math.Max(_counts[i], estimate);
                if (i == _minIndex)
                {
                    FindMin();
                }

                return;
            }
        }

        if (_size < _capacity)
        {
            if (_size == _keys.Length)
            {
                _keys = new FileKey[_capacity];
                _counts = new long[_capacity];
            }

            _keys[_size] = key;
            _counts[_size] = estimate;
            _size++;
        }
        else
        {
            _keys[_minIndex] = key;
            _counts[_minIndex] = estimate;
        }

        FindMin();
    }

    public void Halve()
    {
        for (int i = 0; i < _size; i++)
        {
            _counts[i] /= 2;
        }
    }

    /// <summary>Drops every key for which <paramref name="remove"/> is true.</summary>
    public void RemoveWhere(Func<FileKey, bool> remove)
    {
        int kept = 0;
        for (int i = 0; i < _size; i++)
        {
            if (!remove(_keys[i]))
            {
                _keys[kept] = _keys[i];
                _counts[kept] = _counts[i];
                kept++;
            }
        }

        Array.Clear(_keys, kept, _size - kept);
        _size = kept;
        FindMin();
    }

    /// <summary>The keys, most accessed first.</summary>
    public List<(FileKey Key, long Count)> Sorted()
    {
        var list = new List<(FileKey, long)>(_size);
        for (int i = 0; i < _size; i++)
        {
            list.Add((_keys[i], _counts[i]));
        }

        list.Sort(static (a, b) => b.Item2.CompareTo(a.Item2));
        return list;
    }

    private void FindMin()
    {
        _minIndex = 0;
        for (int i = 1; i < _size; i++)
        {
            if (_counts[i] < _counts[_minIndex])
            {
                _minIndex = i;
            }
        }
    }
}
