# expect-output: child ran
import multiprocessing


def job():
    print("child ran", flush=True)


def main():
    p = multiprocessing.Process(target=job)
    p.start()
    p.join()


if __name__ == "__main__":
    main()
