//! The pages' own words: one id per message of the catalogues that a
//! template asks for by name.

macro_rules! texts {
    ($($(#[$doc:meta])* $v:ident,)*) => {
        /// The pages' own words, each a message of the catalogues (its
        /// Fluent id is the name in kebab case: `SkipToContent` is
        /// `skip-to-content`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs, reason = "each id is named after what it says; the words are in locales/en")]
        pub enum Text { $($(#[$doc])* $v,)* }

        impl Text {
            /// Every one, for the completeness check.
            pub const ALL: &'static [Text] = &[$(Text::$v,)*];
        }
    };
}

texts! {
    SkipToContent,
    VerifiedTitle,
    /// `domain`.
    ProvenBy,
    WebsiteAbout,
    ProveYourSignature,
    /// `domain`.
    PublishThisLine,
    PublishItAt,
    ProofFileAbout,
    StoreWebsite,
    NavSite,
    NavLanguages,
    NavPages,
    TheLetter,
    SearchSignatories,
    WithdrawASignature,
    Privacy,
    OpenData,
    Required,
    Optional,
    ShowMyName,
    HoneypotLabel,
    SignTheLetter,
    /// `count`.
    CountsTotal,
    /// `individual`, `organization`, `company`: each already a count.
    CountsJoin,
    /// `count`.
    MoreAwaitReview,
    /// `count`.
    HaveSigned,
    ReviewNote,
    PrivacyNote,
    WhatWeStore,
    SigningPaused,
    PausedNotice,
    LetterClosed,
    /// `day`, `count`.
    ClosedOn,
    /// `day`.
    LetterAmendedOn,
    LetterEarlierVersions,
    /// `number`, `day`.
    LetterVersionFrom,
    /// `digest`.
    LetterVersionNotHere,
    Signatories,
    FindAName,
    Search,
    /// `kind` (a plural heading), `count`.
    KindTitle,
    Previous,
    Next,
    /// `page`, `pages`.
    PageOf,
    TypePartOfName,
    /// `query`.
    NoMatch,
    /// `count`.
    Found,
    /// `count`: at least that many, the page is full.
    FoundMore,
    Browse,
    ThankYou,
    ThankYouHeading,
    /// `name`.
    RecordedAs,
    NowPublished,
    CountedNotShown,
    AwaitsReviewPublished,
    AwaitsReviewCounted,
    YourWithdrawalCode,
    KeepThisCode,
    BackToLetter,
    EnterCode,
    WithdrawalCode,
    WithdrawMine,
    SignatureWithdrawn,
    YourSignatureWithdrawn,
    RemovedEverywhere,
    StoreName,
    StoreListed,
    StoreDay,
    StoreCodeHash,
    StoreNonce,
    KeptUntil,
    WhatWeNeverStore,
    NeverAddress,
    NeverBrowser,
    NeverTime,
    NeverCookies,
    NoAccessLog,
    SnapshotsHeading,
    SnapshotsIntro,
    SnapshotsDownload,
    SnapshotsRun,
    SnapshotsProve,
    SnapshotsHoldNothing,
    WithdrawCopiesStrong,
    WithdrawCopiesRest,
    Disclaimer,
    ProblemWithForm,
    EntriesKept,
    /// `language`: the original's language, named in itself.
    TranslationNote,
    ReadTheOriginal,
    /// `language`: the original's language, named in itself.
    UntranslatedNote,
    /// A mirror's title before it has a snapshot: `origin`.
    MirrorTitle,
    /// Before the origin's link.
    MirrorOf,
    /// After it: `day`, `seq`.
    MirrorAsOf,
    MirrorSignThere,
    /// `day`: the expiry.
    MirrorStale,
    MirrorTakesNoSignatures,
    /// `origin`.
    MirrorSignAt,
    WithdrawAtTheOrigin,
    /// Before the origin's link.
    MirrorPrivacyIntro,
    /// After it.
    MirrorPrivacyRest,
    MirrorCheckingHeading,
    MirrorSignedBy,
    MirrorDownload,
    MirrorDownloadAnd,
    MirrorDownloadThenRun,
    MirrorWithdrawalReaches,
    /// On a thank-you page relayed by a replica: `seconds`, its poll interval.
    ReplicaNameSoon,
    // The moderation console.
    ConsoleModeration,
    ConsoleQueue,
    ConsolePublished,
    ConsoleAudit,
    ConsoleSignedInAs,
    ConsoleSignOut,
    ConsoleReason,
    ConsoleChooseReason,
    ConsoleSignInTitle,
    ConsoleSignInHeading,
    ConsoleNoModerators,
    ConsoleModerator,
    ConsolePassphrase,
    ConsoleSignIn,
    ConsoleOverview,
    ConsoleKind,
    ConsoleListed,
    ConsoleAwaiting,
    ConsoleSigning,
    ConsoleSigningOpen,
    ConsolePause,
    ConsoleSigningPaused,
    ConsoleResume,
    /// `day`, `count`.
    ConsoleClosedOn,
    ConsoleLetterVersion,
    ConsoleClosingHeading,
    ConsoleClosingNote,
    ConsoleClose,
    ConsoleConfirmClose,
    ConsoleRetention,
    ConsolePurged,
    /// `day`, `days`, `codes`, `tokens`, `unlisted`: the day and counts.
    ConsolePurgeOn,
    /// `days`, `codes`, `tokens`, `unlisted`.
    ConsolePurgeAfter,
    ConsoleNamesLeave,
    ConsoleAll,
    ConsoleFlag,
    ConsoleAny,
    ConsoleFilter,
    ConsoleNothingWaits,
    ConsoleSelect,
    ConsoleName,
    ConsoleAffiliation,
    ConsoleCountry,
    ConsoleFlags,
    ConsoleDay,
    ConsoleUnlisted,
    ConsoleApproveSelected,
    ConsoleOr,
    ConsoleRejectSelected,
    ConsoleOlder,
    /// `id`.
    ConsoleSignatureTitle,
    ConsoleVerified,
    ConsoleShownPublicly,
    ConsoleYes,
    ConsoleCountedOnly,
    ConsoleState,
    ConsoleStatePublished,
    ConsoleStatePending,
    ConsoleNone,
    ConsoleArrived,
    ConsoleLooksLike,
    ConsoleApprove,
    ConsoleReject,
    ConsoleUnpublish,
    ConsoleUnverify,
    ConsoleVerify,
    ConsoleProof,
    /// `domain`.
    ConsoleProofHeld,
    /// `domain`.
    ConsoleProofPending,
    /// `day`.
    ConsoleProofChecked,
    ConsoleProofNeverChecked,
    ConsoleCheckNow,
    ConsoleCheckAsked,
    ConsoleEditHeading,
    ConsoleSave,
    ConsoleDeleteHeading,
    ConsoleDeleteNote,
    ConsoleDeleteForGood,
    /// `kind`: a group, in lower case.
    ConsolePublishedTitle,
    ConsoleNoneOnPage,
    ConsoleAuditNote,
    ConsoleAction,
    ConsoleSignature,
    ConsoleBack,
    /// `action` (a form's action name), `count`: the signatures it was on.
    ConsoleDone,
    // The delivery edition, the numbers and the badge.
    DeliverLink,
    DeliverTitle,
    DeliverLetterVersion,
    DeliverLetterDigest,
    DeliverProofHeading,
    /// `seq`, `day`.
    DeliverSnapshot,
    DeliverSnapshotDigest,
    DeliverPublicKey,
    DeliverVerify,
    DeliverVerifyAfter,
    NumbersLink,
    NumbersTitle,
    /// `count`: the fewest a day or country is shown with.
    NumbersIntro,
    NumbersByDay,
    NumbersByCountry,
    /// `count`: as in the intro.
    NumbersNoDays,
    NumbersDay,
    NumbersCountry,
    NumbersCount,
    NumbersOtherDays,
    NumbersOtherCountries,
    /// `days`, `first`, `last`, `most`.
    NumbersDayCaption,
    /// `countries`, `count`.
    NumbersCountryCaption,
    BadgeLabel,
    /// `count`, `day`.
    BadgeTitle,
}
