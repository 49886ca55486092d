// Word lists the generator draws names, handles, hashtags, texts and profile fields from. Some
// entries hold commas, double quotes or non-ASCII letters on purpose: the CSV writers must quote
// them and the readers must take them back unchanged.
#pragma once

#include <array>
#include <string_view>

namespace coordnet::gen::vocabulary {

inline constexpr std::array<std::string_view, 32> kFirstNames = {
    "maria",  "james", "anna",  "li",   "sofia", "omar",  "emma", "lucas", "yuki", "ana", "david",
    "fatima", "noah",  "elena", "ivan", "chloe", "raj",   "mia",  "jose",  "sara", "ali", "nina",
    "tom",    "lea",   "kenji", "olga", "paul",  "amira", "ben",  "rosa",  "hugo", "zoe"};

inline constexpr std::array<std::string_view, 32> kLastNames = {
    "lopez",   "smith", "chen",   "garcia", "khan",   "muller", "rossi", "kim",
    "silva",   "brown", "nguyen", "ivanov", "sato",   "martin", "cohen", "ali",
    "jones",   "weber", "costa",  "novak",  "petrov", "dubois", "park",  "santos",
    "fischer", "gray",  "moreau", "tanaka", "reyes",  "walsh",  "berg",  "lindqvist"};

// Syllables of organic hashtags (CamelCase in the archive, lower-cased as keys).
inline constexpr std::array<std::string_view, 32> kSyllables = {
    "Ka",  "Lo",  "Mira", "Ten", "Vo", "Sun", "Rad", "Bel", "Tor", "Ni", "Qua",
    "Zen", "Ma",  "Pol",  "Ex",  "Ur", "Fa",  "Gri", "Hel", "Jo",  "Ki", "Lu",
    "Mo",  "Nor", "Os",   "Pi",  "Ru", "Sa",  "Ti",  "Vel", "Wo",  "Yu"};

// Causes a campaign pushes, one per phase: unrelated topics, as sold by amplification services.
inline constexpr std::array<std::string_view, 16> kCauses = {
    "StandWith", "Boycott", "Free",   "Save",    "Stop",   "Support", "Truth", "Justice",
    "Vote",      "Shop",    "Defend", "Protect", "Expose", "Unite",   "Pray",  "Invest"};

// Handle prefixes of renamed campaign accounts, one per cause.
inline constexpr std::array<std::string_view, 16> kCauseHandles = {
    "patriot_", "daily_news_", "truth_voice_", "real_",       "nation_first_", "free_voice_",
    "citizen_", "the_people_", "insider_",     "watcher_",    "proud_",        "defender_",
    "awake_",   "united_",     "faithful_",    "smart_money_"};

inline constexpr std::array<std::string_view, 48> kWords = {
    "breaking", "news",    "today",  "government", "people",  "vote",    "city",   "market",
    "football", "weather", "music",  "police",     "school",  "health",  "price",  "election",
    "protest",  "video",   "watch",  "love",       "new",     "report",  "says",   "first",
    "world",    "live",    "update", "amazing",    "read",    "thread",  "truth",  "media",
    "minister", "crisis",  "war",    "peace",      "economy", "climate", "energy", "film",
    "game",     "team",    "win",    "lost",       "big",     "week",    "night",  "support"};

inline constexpr std::array<std::string_view, 12> kLocations = {
    "",          "Houston, TX", "London", "Paris, France", "",   "Moscow",
    "São Paulo", "Lagos",       "",       "Tokyo",         "NY", "Berlin, Deutschland"};

inline constexpr std::array<std::string_view, 8> kDescriptions = {
    "",
    "Proud patriot. RT \xE2\x89\xA0 endorsement",
    "mom, teacher, \"truth\" seeker",
    "news junkie",
    "",
    "Views my own",
    "football | music | coffee",
    "Official account"};

inline constexpr std::array<std::string_view, 4> kOrganicClients = {
    "Twitter for iPhone", "Twitter for Android", "Twitter Web App", "Twitter for iPad"};

// Languages of organic accounts, with cumulative weights out of 100.
struct WeightedLanguage {
  std::string_view code;
  int cumulative_percent;
};
inline constexpr std::array<WeightedLanguage, 6> kOrganicLanguages = {
    {{"en", 55}, {"es", 70}, {"pt", 80}, {"ja", 88}, {"fr", 94}, {"de", 100}}};

// Where campaign operators sit: UTC offset of their working day, language, client, and the
// location they give all their accounts.
struct Operator {
  int utc_offset_min;
  std::string_view language;
  std::string_view client;
  std::string_view location;
};
inline constexpr std::array<Operator, 6> kOperators = {
    {{180, "ru", "Twitter Web Client", "Moscow"},
     {480, "zh", "TweetDeck", "Beijing"},
     {210, "fa", "Twitter Web Client", "Tehran, Iran"},
     {180, "ar", "Twitter for Android", "Riyadh"},
     {420, "vi", "SocialPilot", "Hà Nội"},
     {-180, "pt", "Hootsuite Inc.", "Brasília, DF"}}};

}  // namespace coordnet::gen::vocabulary
