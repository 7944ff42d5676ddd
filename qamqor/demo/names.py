"""Name lists for synthetic persons and staff, and passport Latin spellings.

The lists are common given names and surnames; every person is a random combination of
them, so no combination describes anyone real. Surnames that belong to heads of state of
the region are left out, so that no demo record reads like a public figure.
"""

import random
from dataclasses import dataclass

# Kazakh given names in Kazakh spelling.
KAZAKH_MALE = [
    "Ерлан", "Нұрлан", "Асқар", "Дәулет", "Ерболат", "Бауыржан", "Ғалым", "Жанболат",
    "Қайрат", "Мұрат", "Серік", "Талғат", "Әлихан", "Өмірзақ", "Ержан", "Мақсат",
    "Нұржан", "Бекзат", "Ақжол", "Әділет", "Айдос", "Арман", "Бақытжан", "Дархан",
    "Ерасыл", "Жандос", "Қанат", "Мейрам", "Нұрбол", "Олжас", "Руслан", "Санжар",
    "Темірлан", "Ұлан", "Шыңғыс", "Ілияс", "Әмір", "Азамат", "Жасұлан", "Сұлтан",
    "Ерғали", "Есен", "Бағдат", "Мұхтар", "Серікжан", "Төлеген", "Үсен", "Жәнібек",
]  # fmt: skip

KAZAKH_FEMALE = [
    "Әйгерім", "Гүлнұр", "Жанар", "Айгүл", "Динара", "Мөлдір", "Ақбота", "Салтанат",
    "Гүлмира", "Ұлжан", "Дана", "Айжан", "Нұргүл", "Сәуле", "Ақмарал", "Назерке",
    "Бибігүл", "Аружан", "Меруерт", "Жұлдыз", "Алма", "Үміт", "Іңкәр", "Әсел",
    "Балжан", "Гүлнар", "Дариға", "Жансая", "Зарина", "Камила", "Ләззат", "Мадина",
    "Нұрсұлу", "Перизат", "Сабина", "Томирис", "Әлия", "Қарлығаш", "Шынар", "Айнұр",
    "Гаухар", "Данагүл", "Күлпаш", "Райхан", "Толғанай", "Ботагөз", "Сымбат", "Індира",
]  # fmt: skip

# Kazakh surnames in the masculine form; the feminine adds "а" unless listed here.
KAZAKH_SURNAMES = [
    "Сәрсенбаев", "Жұмабаев", "Қасымов", "Нұрланов", "Әбенов", "Тоқтаров", "Серікбаев",
    "Омаров", "Ахметов", "Байғазиев", "Мұқанов", "Ескендіров", "Әлімжанов", "Бекмұхамедов",
    "Дүйсенов", "Ержанов", "Жақсылықов", "Исабеков", "Кәрімов", "Мұратов", "Нұрмағамбетов",
    "Оспанов", "Рахымжанов", "Сағындықов", "Тұрсынов", "Үсенов", "Шәкенов", "Ыбыраев",
    "Әбдірахманов", "Жексенбаев", "Қуанышев", "Сейітов", "Төлеуов", "Бейсенов", "Әміров",
    "Ғабдуллин", "Жүнісов", "Құрманов", "Өтепов", "Смағұлов", "Тілеубаев", "Байжанов",
    "Қалиев", "Мұсабеков", "Нұрпейісов", "Оразов", "Сұлтанбеков", "Шайхин", "Иманғалиев",
]  # fmt: skip

# Surnames some younger Kazakhs carry without a Russian suffix: the same for both sexes.
KAZAKH_SURNAMES_WITHOUT_SUFFIX = ["Сәрсенбай", "Жұмабай", "Тілеуберді", "Ерғали", "Нұрлан"]

# Russian male names with the patronymics they give a son and a daughter.
RUSSIAN_MALE = [
    ("Александр", "Александрович", "Александровна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Иван", "Иванович", "Ивановна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Павел", "Павлович", "Павловна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Денис", "Денисович", "Денисовна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Артём", "Артёмович", "Артёмовна"),
    ("Роман", "Романович", "Романовна"),
    ("Константин", "Константинович", "Константиновна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
    ("Вадим", "Вадимович", "Вадимовна"),
    ("Антон", "Антонович", "Антоновна"),
    ("Илья", "Ильич", "Ильинична"),
    ("Кирилл", "Кириллович", "Кирилловна"),
    ("Станислав", "Станиславович", "Станиславовна"),
    ("Геннадий", "Геннадьевич", "Геннадьевна"),
    ("Валерий", "Валерьевич", "Валерьевна"),
]

RUSSIAN_FEMALE = [
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария",
    "Екатерина", "Юлия", "Оксана", "Людмила", "Галина", "Валентина", "Марина", "Дарья",
    "Анастасия", "Ксения", "Виктория", "Алина", "Полина", "Надежда", "Вера", "Любовь",
    "Лариса", "Евгения", "Кристина", "Софья",
]  # fmt: skip

# (masculine, feminine): Russian, Ukrainian, German and Korean surnames met in Kazakhstan.
RUSSIAN_SURNAMES = [
    *[
        (male, male + "а")
        for male in [
            "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов",
            "Новиков", "Морозов", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов",
            "Семёнов", "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов",
            "Беляев", "Тарасов", "Белов", "Комаров", "Орлов", "Киселёв", "Макаров", "Андреев",
            "Ковалёв", "Ильин", "Гусев", "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов",
            "Алексеев", "Степанов", "Яковлев", "Сорокин", "Сергеев", "Захаров", "Борисов",
            "Герасимов", "Пономарёв", "Григорьев",
        ]
    ],
    ("Ковальский", "Ковальская"),
    ("Савицкий", "Савицкая"),
    ("Полянский", "Полянская"),
    *[
        (same, same)
        for same in [
            "Шевченко", "Ковальчук", "Бондаренко", "Кравченко", "Ткаченко", "Мельник",
            "Ким", "Цой", "Пак", "Шмидт", "Миллер", "Вагнер",
        ]
    ],
]  # fmt: skip


@dataclass(frozen=True)
class ForeignNames:
    """Names of one nationality as written in Kazakhstan's Russian-language records."""

    male: list[str]
    female: list[str]
    surnames: list[str]  # masculine; the feminine adds "а" unless it ends in -зода
    patronymics: bool  # whether the Russian -ович/-овна form is in use
    # Passport Latin of each Cyrillic name, where it is not the Russian transliteration.
    latin: dict[str, str]
    languages: list[str]


FOREIGN = {
    "UZ": ForeignNames(
        male=["Дилшод", "Бахтиёр", "Шерзод", "Улугбек", "Фарход", "Жасур", "Отабек", "Азиз",
              "Бобур", "Достон", "Шухрат", "Ильхом", "Нодир", "Тимур"],
        female=["Дилноза", "Гулнора", "Мадина", "Нилуфар", "Шахноза", "Зарина", "Малика",
                "Феруза", "Мохира", "Нигора", "Севара", "Дилфуза", "Зулфия", "Мунира"],
        surnames=["Рахимов", "Юсупов", "Турсунов", "Исмоилов", "Абдуллаев", "Хасанов",
                  "Усмонов", "Эргашев", "Холматов", "Мирзаев", "Султонов", "Юлдашев", "Бобоев"],
        patronymics=True,
        latin={},
        languages=["uz", "ru"],
    ),
    "KG": ForeignNames(
        male=["Айбек", "Бакыт", "Нурбек", "Эрмек", "Азамат", "Улан", "Канат", "Таалай",
              "Мирлан", "Бекболот", "Жоомарт"],
        female=["Айпери", "Жылдыз", "Нургуль", "Чолпон", "Бермет", "Гулзат", "Асель", "Жибек",
                "Назира", "Айзада", "Динара"],
        surnames=["Абдыкадыров", "Осмонов", "Токтогулов", "Мамытов", "Сыдыков", "Жумабеков",
                  "Эсенов", "Исаков", "Турдукулов", "Асанов", "Султанбеков"],
        patronymics=True,
        latin={},
        languages=["ky", "ru"],
    ),
    "TJ": ForeignNames(
        male=["Фирдавс", "Рустам", "Шахром", "Далер", "Манучехр", "Фаридун", "Сухроб",
              "Джамшед", "Умед", "Хуршед", "Бехруз"],
        female=["Мехрона", "Фарзона", "Ситора", "Нигина", "Парвина", "Тахмина", "Шабнам",
                "Гулноза", "Мадина"],
        surnames=["Саидов", "Шарипов", "Назаров", "Холов", "Давлатов", "Сафаров", "Мирзоев",
                  "Шарифзода", "Сафарзода", "Исмоилзода"],
        patronymics=False,
        latin={},
        languages=["tg", "ru"],
    ),
    "TM": ForeignNames(
        male=["Мерген", "Довлет", "Батыр", "Агамырат", "Байрам", "Мекан"],
        female=["Огулджерен", "Айна", "Джемал", "Бахар", "Огулгерек", "Огулнар"],
        surnames=["Аннаев", "Бердыев", "Овезов", "Чарыев", "Гельдиев", "Нурыев"],
        patronymics=False,
        latin={},
        languages=["tk", "ru"],
    ),
    "CN": ForeignNames(
        male=["Вэй", "Цян", "Лэй", "Цзюнь", "Бо", "Хао"],
        female=["Мэй", "Лин", "На", "Фан", "Цзин", "Янь", "Хуа"],
        surnames=["Ван", "Ли", "Чжан", "Лю", "Чэнь", "Ян", "Хуан", "Чжао", "У", "Чжоу"],
        patronymics=False,
        latin={
            "Вэй": "Wei", "Цян": "Qiang", "Лэй": "Lei", "Цзюнь": "Jun", "Бо": "Bo", "Хао": "Hao",
            "Мэй": "Mei", "Лин": "Ling", "На": "Na", "Фан": "Fang", "Цзин": "Jing", "Янь": "Yan",
            "Хуа": "Hua", "Ван": "Wang", "Ли": "Li", "Чжан": "Zhang", "Лю": "Liu", "Чэнь": "Chen",
            "Ян": "Yang", "Хуан": "Huang", "Чжао": "Zhao", "У": "Wu", "Чжоу": "Zhou",
        },
        languages=["zh"],
    ),
}  # fmt: skip

# Kazakh letters as Russian-language records often write them.
_RUSSIFIED = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")

# ICAO Doc 9303 for the Russian letters; a, g, k, n, o, u, u, h, i for the Kazakh ones.
_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
}  # fmt: skip

# Spellings of older passports and visas, still met: Y for й, Ya/Yu, Ye at the start.
_LEGACY = {**_ICAO, "й": "y", "я": "ya", "ю": "yu", "ё": "yo", "ы": "y", "ъ": ""}


def russified(name: str) -> str:
    """A Kazakh name as Russian-language documents often spell it (Нұрлан -> Нурлан)."""
    return name.translate(_RUSSIFIED)


def passport_latin(name: str, legacy: bool = False) -> str:
    """The Latin spelling of a Cyrillic name in a passport: ICAO 9303, or an older style."""
    table = _LEGACY if legacy else _ICAO
    out: list[str] = []
    word_start = True
    for ch in name:
        lower = ch.lower()
        if lower not in table:
            out.append(ch)
            word_start = not ch.isalpha()
            continue
        latin = "ye" if legacy and word_start and lower == "е" else table[lower]
        out.append(latin.capitalize() if ch.isupper() else latin)
        word_start = False
    return "".join(out)


def feminine_surname(masculine: str) -> str:
    if masculine.endswith(("ов", "ев", "ёв", "ин")):
        return masculine + "а"
    return masculine


def kazakh_patronymic(father: str, sex: str) -> str:
    """The Kazakh form, joined to the father's name: Ерланұлы, Ерланқызы."""
    return father + ("ұлы" if sex == "male" else "қызы")


def russian_style_patronymic(father: str, sex: str) -> str:
    """The -ович / -овна form, russified: Нұрлан -> Нурланович, Ерғали -> Ергалиевна."""
    father = russified(father)
    if father.endswith("й"):
        father = father[:-1] + "е"
    elif father.endswith("и"):
        father += "е"
    else:
        father += "о"
    return father + ("вич" if sex == "male" else "вна")


@dataclass(frozen=True)
class FullName:
    surname: str
    given_name: str
    patronymic: str
    latin_surname: str = ""
    latin_given_name: str = ""


def kazakh_name(rng: random.Random, sex: str, *, latin: bool) -> FullName:
    """A Kazakh name: in Kazakh spelling with -ұлы/-қызы, or russified with -ович/-овна."""
    given = rng.choice(KAZAKH_FEMALE if sex == "female" else KAZAKH_MALE)
    father = rng.choice(KAZAKH_MALE)
    if rng.random() < 0.06:
        surname = rng.choice(KAZAKH_SURNAMES_WITHOUT_SUFFIX)
    else:
        surname = rng.choice(KAZAKH_SURNAMES)
        if sex == "female":
            surname = feminine_surname(surname)
    style = rng.random()
    if style < 0.55:
        patronymic = kazakh_patronymic(father, sex)
    elif style < 0.9:
        given, surname = russified(given), russified(surname)
        patronymic = russian_style_patronymic(father, sex)
    else:
        patronymic = ""
    return _with_latin(rng, FullName(surname, given, patronymic), latin, {})


def russian_name(rng: random.Random, sex: str, *, latin: bool) -> FullName:
    masculine, feminine = rng.choice(RUSSIAN_SURNAMES)
    _father, son_of, daughter_of = rng.choice(RUSSIAN_MALE)
    if sex == "female":
        given, surname, patronymic = rng.choice(RUSSIAN_FEMALE), feminine, daughter_of
    else:
        given, surname, patronymic = rng.choice(RUSSIAN_MALE)[0], masculine, son_of
    if rng.random() < 0.04:
        patronymic = ""
    return _with_latin(rng, FullName(surname, given, patronymic), latin, {})


def foreign_name(rng: random.Random, country: str, sex: str, *, latin: bool) -> FullName:
    names = FOREIGN[country]
    given = rng.choice(names.female if sex == "female" else names.male)
    surname = rng.choice(names.surnames)
    if sex == "female" and not surname.endswith("зода") and country != "CN":
        surname = feminine_surname(surname)
    patronymic = ""
    if names.patronymics and rng.random() < 0.6:
        patronymic = russian_style_patronymic(rng.choice(names.male), sex)
    return _with_latin(rng, FullName(surname, given, patronymic), latin, names.latin)


def _with_latin(rng: random.Random, name: FullName, latin: bool, known: dict[str, str]) -> FullName:
    if not latin:
        return name
    legacy = rng.random() < 0.2
    return FullName(
        name.surname,
        name.given_name,
        name.patronymic,
        known.get(name.surname) or passport_latin(name.surname, legacy),
        known.get(name.given_name) or passport_latin(name.given_name, legacy),
    )
