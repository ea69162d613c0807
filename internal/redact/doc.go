// Package redact removes personal data from the texts of a publication
// (公开前脱敏): private persons' names become surname+某; ID, phone, bank
// card, licence plate and property certificate numbers, e-mail addresses,
// house numbers and the terms the prosecutor lists become ××. It is pure:
// no database, no HTTP; the same texts and decisions give the same result.
//
// # One publication, one set of names
//
// Redact takes every text of a publication at once — the letter's title,
// body and copy-to list, the replies — and the decisions taken about it:
// names confirmed as names (Decisions.Names), strings confirmed as not names
// (Decisions.NotNames), extra terms and the official names to keep. A name
// decided, or detected with certainty anywhere, is replaced in every place of
// every text: "申请人王小明……王小明称" gives "申请人王某……王某称", and so does
// a reply that names him bare. What reads like a name but is neither decided
// nor certain stays in the text and is returned in Result.PossibleNames, with
// its places (offsets in the original and the redacted text, and the text
// around it), for a review page to show; Result.Publishable is false until
// each one is decided. Every change is returned per text with its kind and
// offsets, so the page can mark it in place (Text.Marked renders
// 【原文→替换】 and 【可能的姓名？】).
//
// # How names are found
//
// The detector reads each text with the shared segmenter of
// jianyi/internal/textseg: jieba's dictionary (about 350,000 words with
// frequency and part-of-speech tag) and its hidden Markov models, which cut
// and tag the words the dictionary lacks — most personal names among them
// (tag nr: 赵强, 张志强). Then, at every character that begins a surname
// (a list of about 300 single surnames and 40 compound ones: 欧阳, 司马,
// 诸葛, 上官, 慕容, 令狐, 澹台 …), it looks for a name shape and weighs its
// context:
//
//  1. Shape. A surname and a given name of one or two Han characters. The
//     segmenter must not run a word across either end (东方|红小学 is not a
//     name; 物业|主管 holds no 业主), unless a cue word or a preposition is
//     glued to the surname (申请|人王|小明). No function word may stand in
//     the given name (曾|多次, 王|在|现场); titles (王局长, 李老师, 周检) and
//     places or organisations (王庄村, 张家港市, 东方明珠小区, 安全法 …
//     ending in 市区县镇村路局院所 or followed by 公司, 小学, 饭店 …) are no
//     names. A surname character the segmenter reads as a function word is a
//     surname only before a word it tags as a name (证人于|小梅 but
//     申请人于|2025年), or, as a measure word, when no numeral precedes it
//     (申请人张|婷婷 but 一张|收条).
//  2. Certain — redacted everywhere: the name stands right after a private
//     person's role or kinship word (申请人, 被申请人, 当事人, 证人, 邻居, 车主,
//     业主, 户主, 村民, 店主, 经营者, 负责人, 法定代表人, 其子, 其女, 其妻,
//     之母 …, also after a colon, a closing parenthesis or 为/是/系), or
//     before a gender mark (（男，, ，女，). A name listed with a certain one
//     (申请人王小明、李建国) is certain too.
//  3. Possible — listed, publishing waits: the name stands before a speech
//     verb (称, 说, 表示, 反映, 证实 …) or before 同志, 先生, 女士; or the
//     segmenter, reading the sentence, took it for a name; or it is listed
//     with a possible name or with a pseudonym already in the text
//     (王某、刘洋). Also possible rather than certain: a certain context
//     around a dictionary word that is not a name (证人高洁, 高洁 an adjective).
//  4. Not flagged: a name after an official's title (检察官, 书记员, 执法人员,
//     民警, 局长 …) or before one (李明华检察官): officials named in office
//     are published. Kept names and confirmed non-names are never touched.
//
// The dictionary's own nr tags are noisy (it tags 陈述, 许可, 阳光, 申请人,
// 安全法 and 黄金周 as names), so a word the segmenter took whole from the
// dictionary counts as evidence only when it has three characters and does
// not begin with a common word; two-character dictionary words need a cue.
// A short list of words that follow role words in letters or that the
// dictionary mistags (陈述, 许可, 安全, 常住, 应当 …) corrects it. These
// lists describe Chinese, not example sentences; see lexicon.go.
//
// After the names are replaced the detector reads the redacted texts again
// (a replacement can change what surrounds another name) until it finds
// nothing new, at most four times; whatever still looks certain after the
// last look is listed as possible, never let through. Redacting the result
// again with the same decisions changes nothing.
//
// # Limits
//
// A given name alone (小明称) and a nickname (老王) are not found. A name
// written without any cue and not recognised by the segmenter (a bare
// two-character name that is also a dictionary word, such as 高峰 or 张扬) is
// neither redacted nor listed: the prosecutor's lists remain the last line.
// A person whose name is one of the corrected words is not found. Two
// persons with the same surname both become 王某. Surnames outside the lists
// are found only where the segmenter tags the name.
//
// # Cost
//
// The segmenter's dictionary loads once per process, on first use: about
// one second on an idle core and 128 MB of heap, kept for the life of the
// process (gse also embeds its Japanese and traditional-Chinese dictionaries,
// about 34 MB of binary). Redacting a three-page letter and a reply takes
// about 20 ms; see BenchmarkRedactLetter.
package redact
