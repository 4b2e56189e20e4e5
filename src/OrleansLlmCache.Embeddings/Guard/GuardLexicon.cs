using System.Collections.Frozen;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>
/// The word lists behind the guard's rules. They are general-purpose on purpose: closed classes of English (negators,
/// number words, bounds, superlatives, opposites) and well-known sets of alternatives (languages, formats, units), not
/// words picked from an evaluation file. Add to a set freely; a new set needs a line in docs/semantic-guard.md.
/// </summary>
internal static class GuardLexicon
{
    public static readonly IReadOnlyList<ContrastSet> Sets =
    [
        // Units and currencies: "4 hours" vs "4 minutes", "€30" vs "$30".
        new(GuardReason.Unit, "currency",
            "usd|$|us$|dollar|us dollar; eur|€|euro; gbp|£|pound sterling|sterling|quid; jpy|¥|yen; cny|rmb|yuan|renminbi; " +
            "inr|₹|rupee; chf|swiss franc; cad|canadian dollar|c$; aud|australian dollar|a$; btc|bitcoin; eth|ether|ethereum; " +
            "rub|ruble|rouble; mxn|mexican peso; brl|brazilian real; sek|swedish krona; krw|korean won"),
        new(GuardReason.Unit, "unit of time",
            "nanosecond|ns; microsecond|µs; millisecond|ms; second|sec; minute|mins; hour|hr|hrs; day; week; fortnight; month; " +
            "quarter; year|yr|yrs; decade; century"),
        new(GuardReason.Unit, "unit of length",
            "nanometer|nanometre|nm; millimeter|millimetre|mm; centimeter|centimetre|cm; meter|metre; kilometer|kilometre|km; " +
            "inch|inches; foot|feet|ft; yard|yd; mile|mi; nautical mile"),
        new(GuardReason.Unit, "unit of mass", "milligram|mg; gram; kilogram|kg|kilo; ounce|oz; lb|lbs; ton|tonne"),
        new(GuardReason.Unit, "unit of volume",
            "milliliter|millilitre|ml; liter|litre; gallon|gal; quart; pint; cup; tablespoon|tbsp; teaspoon|tsp; fluid ounce|fl oz"),
        new(GuardReason.Unit, "unit of temperature", "celsius|centigrade; fahrenheit; kelvin"),
        new(GuardReason.Unit, "unit of data", "bit; byte; kb|kilobyte|kib; mb|megabyte|mib; gb|gigabyte|gib; tb|terabyte|tib; pb|petabyte"),
        new(GuardReason.Unit, "unit of speed", "kph|kmh|km per hour|kilometers per hour; mph|miles per hour; knot; kbps; mbps; gbps"),
        new(GuardReason.Unit, "unit of energy or power", "watt; kilowatt|kw; kwh|kilowatt hour; calorie|kcal; joule|kj; horsepower|hp"),

        // Comparatives, bounds, order in time: the same words with the opposite bound ask for a different answer.
        new(GuardReason.Comparison, "bound",
            "at least|minimum|min|more than|greater than|over|above|exceeding|≥|>=|>|or more|no less than|no fewer than|not less than; " +
            "at most|maximum|max|less than|fewer than|under|below|up to|≤|<=|<|or less|or fewer|no more than|not more than"),
        new(GuardReason.Comparison, "order in time", "before|prior to|earlier than|until|till; after|since|later than"),
        new(GuardReason.Comparison, "comparison", "more; less|fewer"),
        new(GuardReason.Comparison, "comparison", "higher|greater; lower"),
        new(GuardReason.Comparison, "comparison", "bigger|larger; smaller"),
        new(GuardReason.Comparison, "comparison", "faster|quicker; slower"),
        new(GuardReason.Comparison, "comparison", "cheaper|less expensive|more affordable; more expensive|pricier|costlier"),
        new(GuardReason.Comparison, "comparison", "better; worse"),
        new(GuardReason.Comparison, "comparison", "newer; older"),
        new(GuardReason.Comparison, "comparison", "earlier; later"),
        new(GuardReason.Comparison, "comparison", "longer; shorter"),
        new(GuardReason.Comparison, "comparison", "stronger; weaker"),
        new(GuardReason.Comparison, "comparison", "easier|simpler; harder|more difficult"),
        new(GuardReason.Comparison, "comparison", "heavier; lighter"),
        new(GuardReason.Comparison, "comparison", "warmer|hotter; colder|cooler"),
        new(GuardReason.Comparison, "comparison", "safer|more secure; riskier|less secure"),

        // Superlatives and ranking criteria: "best" and "top" rank alike; "nearest" and "cheapest" do not.
        new(GuardReason.Ranking, "ranking",
            "best|top|good|great|greatest|finest|ideal|recommended|favorite|favourite|excellent|top rated|highest rated|best rated; " +
            "worst|bad|terrible|lowest rated|worst rated; " +
            "cheapest|cheap|budget|affordable|inexpensive|least expensive|low cost|lowest price; " +
            "most expensive|priciest|expensive|premium|luxury|high end; " +
            "nearest|closest|near me|nearby; fastest|quickest; slowest; " +
            "latest|newest|current|recent|most recent|up to date; oldest|earliest; " +
            "largest|biggest; smallest|tiniest; most popular|popular|trending|most viewed; " +
            "easiest|simplest; hardest|most difficult; safest|most secure; lightest; heaviest; shortest; longest; " +
            "healthiest; tallest; highest; lowest"),

        // Opposites: pairs whose members ask for opposite things.
        new(GuardReason.Term, "opposite", "ascending|asc|increasing order; descending|desc|decreasing order"),
        new(GuardReason.Term, "opposite", "synonym; antonym|opposite"),
        new(GuardReason.Term, "opposite", "increase|raise|boost|grow; decrease|reduce|shrink"),
        new(GuardReason.Term, "opposite", "maximize|maximise; minimize|minimise"),
        new(GuardReason.Term, "opposite", "enable|turn on|activate; disable|turn off|deactivate"),
        new(GuardReason.Term, "opposite", "upload; download"),
        new(GuardReason.Term, "opposite", "import; export"),
        new(GuardReason.Term, "opposite", "encrypt|encryption; decrypt|decryption"),
        new(GuardReason.Term, "opposite", "encode|encoding; decode|decoding"),
        new(GuardReason.Term, "opposite", "compress|compression|zip; decompress|decompression|unzip|extract"),
        new(GuardReason.Term, "opposite", "serialize|serialise|serialization; deserialize|deserialise|deserialization"),
        new(GuardReason.Term, "opposite", "install; uninstall"),
        new(GuardReason.Term, "opposite", "add|insert|append; remove|delete|drop"),
        new(GuardReason.Term, "opposite", "push; pull"),
        new(GuardReason.Term, "opposite", "input; output"),
        new(GuardReason.Term, "opposite", "inbound|incoming|ingress; outbound|outgoing|egress"),
        new(GuardReason.Term, "opposite", "buy|purchase; sell; rent|lease"),
        new(GuardReason.Term, "opposite", "pros|advantage|benefit; cons|disadvantage|drawback|downside"),
        new(GuardReason.Term, "opposite", "success|succeed; failure|fail"),
        new(GuardReason.Term, "opposite", "accept|approve; reject|decline|deny"),
        new(GuardReason.Term, "opposite", "allow|allowlist|whitelist; block|blocklist|blacklist"),
        new(GuardReason.Term, "opposite", "include|including; exclude|excluding"),
        new(GuardReason.Term, "opposite", "public; private"),
        new(GuardReason.Term, "opposite", "internal; external"),
        new(GuardReason.Term, "opposite", "local; remote"),
        new(GuardReason.Term, "opposite", "client|client side; server|server side"),
        new(GuardReason.Term, "opposite", "frontend|front end; backend|back end"),
        new(GuardReason.Term, "opposite", "horizontal|horizontally; vertical|vertically"),
        new(GuardReason.Term, "opposite", "uppercase|upper case|capital letter; lowercase|lower case"),
        new(GuardReason.Term, "opposite", "static; dynamic"),
        new(GuardReason.Term, "opposite", "synchronous|sync|synchronously; asynchronous|async|asynchronously"),
        new(GuardReason.Term, "opposite", "positive; negative"),
        new(GuardReason.Term, "opposite", "true; false"),
        new(GuardReason.Term, "opposite", "male|men|man|boy; female|women|woman|girl"),
        new(GuardReason.Term, "opposite", "adult; child|children|kid"),
        new(GuardReason.Term, "opposite", "hot; cold"),
        new(GuardReason.Term, "opposite", "easy|simple|basic; hard|difficult"),
        new(GuardReason.Term, "opposite", "connect; disconnect"),
        new(GuardReason.Term, "opposite", "subscribe; unsubscribe"),
        new(GuardReason.Term, "opposite", "lock; unlock"),
        new(GuardReason.Term, "opposite", "mount; unmount"),
        new(GuardReason.Term, "opposite", "pin; unpin"),
        new(GuardReason.Term, "opposite", "follow; unfollow"),
        new(GuardReason.Term, "opposite", "mute; unmute"),
        new(GuardReason.Term, "opposite", "archive; unarchive"),
        new(GuardReason.Term, "opposite", "start|begin|launch; stop|halt"),
        new(GuardReason.Term, "opposite", "north|northern; south|southern; east|eastern; west|western"),
        new(GuardReason.Term, "opposite", "past|previous; future|next|upcoming"),
        new(GuardReason.Term, "opposite", "major; minor"),
        new(GuardReason.Term, "opposite", "singular; plural"),

        // Registers and levels: the same question for a different audience gets a different answer.
        new(GuardReason.Term, "skill level",
            "beginner|novice|starter|newbie|introductory|intro|eli5|for dummies; intermediate; advanced|expert|professional|in depth|deep dive"),
        new(GuardReason.Term, "register", "formal; informal|casual"),

        // Time words.
        new(GuardReason.Term, "day", "today; tomorrow; yesterday; tonight"),
        new(GuardReason.Term, "time of day", "morning; afternoon; evening; night|overnight"),
        new(GuardReason.Term, "season", "summer; winter; autumn"),
        new(GuardReason.Term, "month",
            "january|jan; february|feb; ^march|^mar; april|apr; ^may; june|jun; july|jul; ^august|aug; september|sep|sept; " +
            "october|oct; november|nov; december|dec"),
        new(GuardReason.Term, "weekday", "monday|^mon; tuesday|^tue|^tues; wednesday|^wed; thursday|^thu|^thur|^thurs; friday|^fri; saturday|^sat; sunday|^sun"),
        new(GuardReason.Term, "relative week", "this week; next week; last week|past week|previous week"),

        // Well-known sets of alternatives in software and everyday questions.
        new(GuardReason.Term, "programming language",
            "python|py|cpython; java; javascript|js|ecmascript|node.js|nodejs; typescript|ts; c#|csharp|c sharp; f#|fsharp; c++|cpp; " +
            "golang; rust; ruby; php; perl; swift; kotlin; scala; haskell; elixir; erlang; clojure; lua; dart; matlab; " +
            "fortran; cobol; zig; ocaml; groovy; objective-c; visual basic|vb.net|vba; powershell; bash|shell script; julia"),
        new(GuardReason.Term, "package manager",
            "npm; pnpm; yarn; bun; pip|pipx; poetry; pipenv; conda|mamba; uv; cargo; maven|mvn; gradle; nuget; composer; gem|bundler; " +
            "homebrew|brew; apt|apt-get; yum; dnf; pacman; chocolatey|choco; winget; scoop; snap; flatpak"),
        new(GuardReason.Term, "operating system",
            "windows; macos|mac|osx|os x; linux; ubuntu; debian; fedora; centos; rhel|red hat; arch linux; alpine; android; ios|ipados; " +
            "freebsd; chromeos; opensuse; linux mint"),
        new(GuardReason.Term, "file format",
            "csv; tsv; json; jsonl|ndjson; xml; yaml|yml; toml; ini; html; markdown|md; pdf; docx|word document; xlsx|excel; pptx; " +
            "txt|plain text|plaintext; parquet; avro; orc; protobuf; jpeg|jpg; png; gif; webp; svg; bmp; tiff; heic; mp3; wav; flac; " +
            "aac; ogg; mp4; mkv; avi; mov; webm; zip; tar; gzip|gz; rar; 7z; epub; latex|tex; rtf; odt"),
        new(GuardReason.Term, "version control system", "git; svn|subversion; mercurial|hg; perforce; fossil"),
        new(GuardReason.Term, "database",
            "postgres|postgresql; mysql; mariadb; sqlite; mongodb|mongo; redis; cassandra; dynamodb; sql server|mssql; oracle; " +
            "elasticsearch; opensearch; neo4j; couchdb; firestore; cosmos db|cosmosdb; snowflake; bigquery; clickhouse; duckdb"),
        new(GuardReason.Term, "cloud", "aws|amazon web services; azure; gcp|google cloud; digitalocean; heroku; vercel; netlify; cloudflare; oci"),
        new(GuardReason.Term, "browser", "chrome|chromium; firefox; safari; edge; opera"),
        new(GuardReason.Term, "editor",
            "vscode|vs code|visual studio code; visual studio; vim; neovim|nvim; emacs; intellij; pycharm; eclipse; sublime; xcode; rider; nano"),
        new(GuardReason.Term, "web framework",
            "react; vue; angular; svelte; ember; next.js|nextjs; nuxt; django; flask; fastapi; rails; laravel; " +
            "express; asp.net; blazor"),
        new(GuardReason.Term, "web server", "nginx; apache; caddy; iis; traefik; haproxy"),
        new(GuardReason.Term, "container platform", "docker; podman; kubernetes|k8s; nomad; docker swarm; openshift"),
        new(GuardReason.Term, "human language",
            "english; spanish|español|espanol|castilian; french|français; german|deutsch; italian; portuguese; dutch; russian; " +
            "chinese|mandarin; cantonese; japanese; korean; arabic; hindi; turkish; polish; swedish; norwegian; danish; finnish; " +
            "greek; hebrew; czech; hungarian; romanian; ukrainian; vietnamese; thai; indonesian; bengali; urdu; persian|farsi"),
        new(GuardReason.Term, "language variant", "pt br|brazilian portuguese; pt pt|european portuguese; en us|american english; en gb|british english"),
    ];

    /// <summary>Words that carry little content: they neither anchor a direction nor count as a name.</summary>
    public static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
        """
        a an the and or but if of at by for with about against between into through during to from in on off out over under
        up down again further then once here there when where why how all any both each few more most other some such only own
        same so than too very can will just should now is are was were be been being have has had having do does did doing
        i me my myself we our ours you your yours he him his she her it its they them their what which who whom this that these
        those am would could might must shall may let lets please as also vs versus via per
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    /// <summary>Words that negate what follows them ("zero-copy" is "no copy"). "n't" endings and "-free" compounds count too.</summary>
    public static readonly FrozenSet<string> Negators = FrozenSet.ToFrozenSet(
        ["not", "no", "never", "nothing", "nobody", "nowhere", "neither", "nor", "without", "cannot", "non", "absence", "absent",
            "lack", "lacks", "lacking", "unable", "except", "excluding", "zero"],
        StringComparer.Ordinal);

    /// <summary>Phrases with a negator that do not negate: "not only X but also Y" adds, "no more than" bounds.</summary>
    public static readonly IReadOnlyList<string[]> NonNegatingPhrases =
    [
        ["not", "only"], ["not", "just"], ["not", "merely"], ["not", "to", "mention"], ["no", "matter"], ["or", "not"],
        ["no", "more", "than"], ["no", "less", "than"], ["no", "fewer", "than"], ["not", "more", "than"], ["not", "less", "than"],
    ];

    /// <summary>Keys of search operators written as key:value ("site:example.com", "sort:recent").</summary>
    public static readonly FrozenSet<string> SearchOperators = FrozenSet.ToFrozenSet(
        ["site", "tag", "sort", "after", "before", "in", "has", "is", "filetype", "ext", "intitle", "inurl", "intext", "allintitle",
            "lang", "language", "label", "author", "user", "type", "status", "since", "until", "repo", "org", "path", "category", "topic"],
        StringComparer.Ordinal);

    /// <summary>Spelled-out numbers and their values. "second" is left out (more often the unit), "zero" too (it negates: "zero-copy").</summary>
    public static readonly FrozenDictionary<string, long> NumberWords = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8,
        ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15,
        ["sixteen"] = 16, ["seventeen"] = 17, ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40,
        ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90, ["dozen"] = 12,
        ["first"] = 1, ["third"] = 3, ["fourth"] = 4, ["fifth"] = 5, ["sixth"] = 6, ["seventh"] = 7, ["eighth"] = 8, ["ninth"] = 9,
        ["tenth"] = 10, ["twelfth"] = 12, ["twentieth"] = 20, ["hundredth"] = 100, ["once"] = 1, ["twice"] = 2, ["thrice"] = 3,
        ["single"] = 1,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Endings that derive a word from another without changing what it names ("Python" / "Pythonic", "load" / "loading").</summary>
    public static readonly IReadOnlyList<string> DerivationalEndings =
        ["s", "es", "ed", "d", "ing", "er", "ers", "ic", "ical", "ese", "ian", "ians", "an", "ans", "ish", "ly", "al", "ation", "ment"];

    /// <summary>Words that multiply the number before them ("5 million", "three hundred").</summary>
    public static readonly FrozenDictionary<string, long> Multipliers = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["hundred"] = 100, ["thousand"] = 1_000, ["million"] = 1_000_000, ["billion"] = 1_000_000_000, ["trillion"] = 1_000_000_000_000,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Unit abbreviations written straight after a number ("4h", "100km"), and the unit word they stand for.</summary>
    public static readonly FrozenDictionary<string, string> UnitSuffixes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ns"] = "ns", ["ms"] = "ms", ["sec"] = "second", ["secs"] = "second", ["min"] = "minute", ["mins"] = "minute",
        ["h"] = "hour", ["hr"] = "hour", ["hrs"] = "hour", ["w"] = "week", ["yr"] = "year", ["yrs"] = "year",
        ["mm"] = "mm", ["cm"] = "cm", ["km"] = "km", ["mi"] = "mi", ["ft"] = "ft", ["mg"] = "mg", ["g"] = "gram", ["kg"] = "kg",
        ["lb"] = "lb", ["lbs"] = "lb", ["oz"] = "oz", ["ml"] = "ml", ["l"] = "liter", ["kb"] = "kb", ["mb"] = "mb", ["gb"] = "gb",
        ["tb"] = "tb", ["kib"] = "kb", ["mib"] = "mb", ["gib"] = "gb", ["mbps"] = "mbps", ["gbps"] = "gbps", ["kbps"] = "kbps",
        ["mph"] = "mph", ["kph"] = "kph", ["kw"] = "kw", ["kwh"] = "kwh", ["hp"] = "hp", ["k"] = "thousand",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
