namespace FileCache.Statistics;

/// <summary>
/// The K keys with the highest estimates seen so far (Space-Saving style replacement of the smallest), in a
/// fixed array: bounded memory whatever the number of keys. Not thread-safe: used under the drain lock.
/// </summary>
internal sealed class TopKeys
{
    private readonly FileKey[] _keys;
    private readonly long[] _counts;
    private int _size;
    private int _minIndex;

    public TopKeys(int capacity)
    {
        _keys = new FileKey[capacity];
        _counts = new long[capacity];
    }

    /// <summary>Gets or sets the sketch halvings this table's counts already reflect.</summary>
    public int Halvings { get; set; }

    /// <summary>Offers an entry's key with its current estimate; the key (and its joined path) is made only when the table takes it.</summary>
    public void Offer(Storage.CacheEntry entry, long estimate)
    {
        if (_size == _keys.Length && estimate <= _counts[_minIndex])
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
        if (_size == _keys.Length && estimate <= _counts[_minIndex])
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

        if (_size < _keys.Length)
        {
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
